import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'
import type { RejectCode } from './pb/lease.ts'
import type { ConsumerLeaseStatus } from './consumer/store.ts'

/** The provider refused; `reason` is the wire code (NO_CAPACITY, PRICE…), also in the JSON-RPC error's data. */
export class LeaseRejectedError extends defineError<{ reason: RejectCode }>('LeaseRejectedError', 'CPNET_LEASE_REJECTED', ErrorCode.LEASE_REJECTED) {
  readonly reason: RejectCode

  constructor (reason: RejectCode, message: string) {
    super(`${reason}: ${message}`, { details: { reason } })
    this.reason = reason
  }
}

/** The other side broke the protocol: a bad frame, a bad signature, terms that do not match. */
export const LeaseProtocolError = defineError('LeaseProtocolError', 'CPNET_LEASE_PROTOCOL', ErrorCode.SERVER_ERROR)

/** What a lease call that ends without a granted lease says about the lease it was about: the error's `details` (the JSON-RPC error's data). */
export interface LeaseOutcome { leaseId: string, status: ConsumerLeaseStatus }

/**
 * The consumer accepted, but no Grant or answer to its queries came back: the
 * lease may exist on the provider. It is kept as `pending` and queried again
 * until the provider answers, so the outcome is never silently lost.
 */
export const LeaseUnconfirmedError = defineError<LeaseOutcome>('LeaseUnconfirmedError', 'CPNET_LEASE_UNCONFIRMED', ErrorCode.LEASE_UNCONFIRMED)

/**
 * The consumer accepted, and the provider then said it holds no lease for the
 * request (NOT_FOUND to the Query, e.g. it died before the commit and was
 * restarted): no lease exists and none will. The record is kept `failed`.
 */
export const LeaseFailedError = defineError<LeaseOutcome>('LeaseFailedError', 'CPNET_LEASE_FAILED', ErrorCode.LEASE_FAILED)

/** The provider answered Ended: the lease asked for or renewed is over already (released or expired). */
export const LeaseEndedError = defineError<LeaseOutcome>('LeaseEndedError', 'CPNET_LEASE_ENDED', ErrorCode.LEASE_ENDED)

/** The peer did not send the next lease message, or take ours, within the step's deadline. */
export const LeaseTimeoutError = defineError('LeaseTimeoutError', 'CPNET_LEASE_TIMEOUT', ErrorCode.TIMEOUT)

/** The lease stream could not be opened, or was reset or closed by the other side mid-step. */
export const LeaseStreamError = defineError('LeaseStreamError', 'CPNET_LEASE_STREAM', ErrorCode.SERVER_ERROR)

/** No lease with that id on this node. */
export const LeaseUnknownError = defineError('LeaseUnknownError', 'CPNET_LEASE_UNKNOWN', ErrorCode.NOT_FOUND)

/** A lease asked for by filter, and no offer fits it. */
export const NoMatchingOfferError = defineError('NoMatchingOfferError', 'CPNET_LEASE_NO_MATCHING_OFFER', ErrorCode.NOT_FOUND)

/** Renewing a lease that is pending, over or failed. */
export const LeaseNotActiveError = defineError('LeaseNotActiveError', 'CPNET_LEASE_NOT_ACTIVE', ErrorCode.SERVER_ERROR)
