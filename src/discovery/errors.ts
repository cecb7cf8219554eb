/** Discovery's errors: named classes with stable codes, matched by `name`. */
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'
import { defineRecordError, type RecordRejection } from '../identity/signed-record.ts'

/** Why an offer was refused: a signed record's reasons, and a DHT record stored under another CPI's key. */
export type OfferRejection = RecordRejection | 'wrong-key'

/** A signed offer or DHT record that must not be stored, relayed or returned; it never reaches an RPC caller (searches drop it). */
export class InvalidOfferError extends defineRecordError<OfferRejection>('InvalidOfferError', 'CPNET_OFFER_INVALID', ErrorCode.INTERNAL_ERROR) {}

/** A filter expression that cannot be parsed; `field` names the culprit. */
export class FilterSyntaxError extends defineError('FilterSyntaxError', 'CPNET_FILTER_INVALID', ErrorCode.INVALID_PARAMS) {
  readonly field: string
  constructor (field: string, message: string) {
    super(message)
    this.field = field
  }
}

/** A provider answered the fetch protocol with something unusable. */
export const FetchProtocolError = defineError('FetchProtocolError', 'CPNET_FETCH_PROTOCOL', ErrorCode.SERVER_ERROR)

/** No valid offer exists for the CPI. */
export const OfferNotFoundError = defineError('OfferNotFoundError', 'CPNET_OFFER_NOT_FOUND', ErrorCode.NOT_FOUND)
