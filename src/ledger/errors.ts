import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'

/** The pool has fewer free GPUs than asked for. */
export const NoCapacityError = defineError('NoCapacityError', 'CPNET_LEDGER_NO_CAPACITY', ErrorCode.SERVER_ERROR)

/** The ledger knows no pool of that name. */
export const UnknownPoolError = defineError('UnknownPoolError', 'CPNET_LEDGER_UNKNOWN_POOL', ErrorCode.NOT_FOUND)

/** The hold lapsed, was released, or never existed. */
export const HoldNotFoundError = defineError('HoldNotFoundError', 'CPNET_LEDGER_HOLD_NOT_FOUND', ErrorCode.NOT_FOUND)

/** No active lease with that id. */
export const LeaseNotFoundError = defineError('LeaseNotFoundError', 'CPNET_LEDGER_LEASE_NOT_FOUND', ErrorCode.NOT_FOUND)

/** The ledger is not open. */
export const LedgerClosedError = defineError('LedgerClosedError', 'CPNET_LEDGER_CLOSED', ErrorCode.UNAVAILABLE)
