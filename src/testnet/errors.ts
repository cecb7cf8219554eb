/** Errors of the process testnet. Callers match on `name` or `code`, never on the message. */
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'

/** `up` in a directory where nodes of a testnet are still running. */
export const TestnetRunningError = defineError('TestnetRunningError', 'CPNET_TESTNET_RUNNING', ErrorCode.INTERNAL_ERROR)

/** A testnet size that `up` does not start (no nodes, or too many for one machine). */
export const TestnetSizeError = defineError('TestnetSizeError', 'CPNET_TESTNET_SIZE', ErrorCode.INTERNAL_ERROR)

/** No testnet state in the directory (never started there, or removed). */
export const NoTestnetError = defineError('NoTestnetError', 'CPNET_TESTNET_NOT_FOUND', ErrorCode.INTERNAL_ERROR)

/** The state file exists but cannot be read as a testnet state. */
export const TestnetStateError = defineError('TestnetStateError', 'CPNET_TESTNET_STATE_INVALID', ErrorCode.INTERNAL_ERROR)

/** A node's daemon could not be started, or exited before it was ready. */
export const NodeStartError = defineError('NodeStartError', 'CPNET_TESTNET_NODE_START', ErrorCode.INTERNAL_ERROR)

/** The network was not ready and connected within the deadline. */
export const TestnetTimeoutError = defineError('TestnetTimeoutError', 'CPNET_TESTNET_TIMEOUT', ErrorCode.INTERNAL_ERROR)

/** `up` was interrupted (Ctrl-C, or its caller's signal). */
export const TestnetAbortedError = defineError('TestnetAbortedError', 'CPNET_TESTNET_ABORTED', ErrorCode.INTERNAL_ERROR)

/** A node name that the testnet does not have. */
export const UnknownNodeError = defineError('UnknownNodeError', 'CPNET_TESTNET_UNKNOWN_NODE', ErrorCode.INTERNAL_ERROR)

/** Processes still running after SIGKILL: `down` could not stop them. */
export const TestnetStopError = defineError('TestnetStopError', 'CPNET_TESTNET_STOP_FAILED', ErrorCode.INTERNAL_ERROR)
