/** Errors of the process testnet. Callers match on `code` (or `name`), never on the message. */

/** `up` in a directory where nodes of a testnet are still running. */
export class TestnetRunningError extends Error {
  static readonly code = 'CPNET_TESTNET_RUNNING'
  readonly code = TestnetRunningError.code
  constructor (message: string) {
    super(message)
    this.name = 'TestnetRunningError'
  }
}

/** A testnet size that `up` does not start (no nodes, or too many for one machine). */
export class TestnetSizeError extends Error {
  static readonly code = 'CPNET_TESTNET_SIZE'
  readonly code = TestnetSizeError.code
  constructor (message: string) {
    super(message)
    this.name = 'TestnetSizeError'
  }
}

/** No testnet state in the directory (never started there, or removed). */
export class NoTestnetError extends Error {
  static readonly code = 'CPNET_TESTNET_NOT_FOUND'
  readonly code = NoTestnetError.code
  constructor (message: string) {
    super(message)
    this.name = 'NoTestnetError'
  }
}

/** The state file exists but cannot be read as a testnet state. */
export class TestnetStateError extends Error {
  static readonly code = 'CPNET_TESTNET_STATE_INVALID'
  readonly code = TestnetStateError.code
  constructor (message: string) {
    super(message)
    this.name = 'TestnetStateError'
  }
}

/** A node's daemon could not be started, or exited before it was ready. */
export class NodeStartError extends Error {
  static readonly code = 'CPNET_TESTNET_NODE_START'
  readonly code = NodeStartError.code
  constructor (message: string) {
    super(message)
    this.name = 'NodeStartError'
  }
}

/** The network was not ready and connected within the deadline. */
export class TestnetTimeoutError extends Error {
  static readonly code = 'CPNET_TESTNET_TIMEOUT'
  readonly code = TestnetTimeoutError.code
  constructor (message: string) {
    super(message)
    this.name = 'TestnetTimeoutError'
  }
}

/** `up` was interrupted (Ctrl-C, or its caller's signal). */
export class TestnetAbortedError extends Error {
  static readonly code = 'CPNET_TESTNET_ABORTED'
  readonly code = TestnetAbortedError.code
  constructor (message: string) {
    super(message)
    this.name = 'TestnetAbortedError'
  }
}

/** A node name that the testnet does not have. */
export class UnknownNodeError extends Error {
  static readonly code = 'CPNET_TESTNET_UNKNOWN_NODE'
  readonly code = UnknownNodeError.code
  constructor (message: string) {
    super(message)
    this.name = 'UnknownNodeError'
  }
}

/** Processes still running after SIGKILL: `down` could not stop them. */
export class TestnetStopError extends Error {
  static readonly code = 'CPNET_TESTNET_STOP_FAILED'
  readonly code = TestnetStopError.code
  constructor (message: string) {
    super(message)
    this.name = 'TestnetStopError'
  }
}
