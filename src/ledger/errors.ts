import { defineError } from '../errors.ts'

/** The pool has fewer free GPUs than asked for. */
export const NoCapacityError = defineError('NoCapacityError', 'CPNET_LEDGER_NO_CAPACITY')

/** The ledger knows no pool of that name. */
export const UnknownPoolError = defineError('UnknownPoolError', 'CPNET_LEDGER_UNKNOWN_POOL')

/** The hold lapsed, was released, or never existed. */
export const HoldNotFoundError = defineError('HoldNotFoundError', 'CPNET_LEDGER_HOLD_NOT_FOUND')

/** No active lease with that id. */
export const LeaseNotFoundError = defineError('LeaseNotFoundError', 'CPNET_LEDGER_LEASE_NOT_FOUND')

/** The ledger is not open. */
export const LedgerClosedError = defineError('LedgerClosedError', 'CPNET_LEDGER_CLOSED')
