/** Discovery's errors: named classes with stable codes, matched by `name`. */
import { defineError } from '../errors.ts'

/** Why an offer was refused; stable strings, logged and tested. */
export type OfferRejection =
  | 'too-large'
  | 'malformed'
  | 'bad-field'
  | 'bad-cpi'
  | 'not-owner'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'stale-seq'
  | 'wrong-key'

/** A signed offer or DHT record that must not be stored, relayed or returned. */
export class InvalidOfferError extends Error {
  static readonly code = 'CPNET_OFFER_INVALID'
  readonly code = InvalidOfferError.code
  readonly reason: OfferRejection
  constructor (reason: OfferRejection, message: string) {
    super(`${reason}: ${message}`)
    this.name = 'InvalidOfferError'
    this.reason = reason
  }
}

/** A filter expression that cannot be parsed; `field` names the culprit. */
export class FilterSyntaxError extends Error {
  static readonly code = 'CPNET_FILTER_INVALID'
  readonly code = FilterSyntaxError.code
  readonly field: string
  constructor (field: string, message: string) {
    super(message)
    this.name = 'FilterSyntaxError'
    this.field = field
  }
}

/** A provider answered the fetch protocol with something unusable. */
export const FetchProtocolError = defineError('FetchProtocolError', 'CPNET_FETCH_PROTOCOL')

/** No valid offer exists for the CPI. */
export const OfferNotFoundError = defineError('OfferNotFoundError', 'CPNET_OFFER_NOT_FOUND')
