/** Pricing's errors: named classes with stable codes, matched by `name`. */
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'
import { defineRecordError, type RecordRejection } from '../identity/signed-record.ts'

/** Why a price update was refused: a signed record's reasons, the same as an offer's (docs/PROTOCOL.md §7.4). */
export type PriceUpdateRejection = RecordRejection

/** A price update that must not enter a price book nor be relayed; gossip validation drops it, no RPC caller sees it. */
export class InvalidPriceUpdateError extends defineRecordError<PriceUpdateRejection>('InvalidPriceUpdateError', 'CPNET_PRICE_UPDATE_INVALID', ErrorCode.INTERNAL_ERROR) {}

/** A connection asked for more subscriptions than rpc.maxSubscriptionsPerConnection. */
export const SubscriptionLimitError = defineError('SubscriptionLimitError', 'CPNET_SUBSCRIPTION_LIMIT', ErrorCode.LIMIT_EXCEEDED)
