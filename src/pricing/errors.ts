/** Pricing's errors: named classes with stable codes, matched by `name`. */
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'

/** Why a price update was refused; stable strings, logged and tested. */
export type PriceUpdateRejection =
  | 'too-large'
  | 'malformed'
  | 'bad-field'
  | 'bad-cpi'
  | 'not-owner'
  | 'bad-signature'
  | 'skewed'
  | 'expired'

/** A price update that must not enter a price book nor be relayed; gossip validation drops it, no RPC caller sees it. */
export class InvalidPriceUpdateError extends defineError('InvalidPriceUpdateError', 'CPNET_PRICE_UPDATE_INVALID', ErrorCode.INTERNAL_ERROR) {
  readonly reason: PriceUpdateRejection
  constructor (reason: PriceUpdateRejection, message: string) {
    super(`${reason}: ${message}`)
    this.reason = reason
  }
}

/** A connection asked for more subscriptions than rpc.maxSubscriptionsPerConnection. */
export const SubscriptionLimitError = defineError('SubscriptionLimitError', 'CPNET_SUBSCRIPTION_LIMIT', ErrorCode.LIMIT_EXCEEDED)
