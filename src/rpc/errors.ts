/**
 * JSON-RPC 2.0 error codes: the specification's own, then cpnet's domain codes
 * in the -32000 range reserved for servers. docs/RPC.md lists them; the numbers
 * are part of the API and never change meaning.
 */
export const ErrorCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  /** A domain failure without a more specific code. */
  SERVER_ERROR: -32000,
  /** The caller's token lacks the method's permission. */
  UNAUTHORIZED: -32001,
  /** The named thing (peer, CPI, lease) does not exist. */
  NOT_FOUND: -32002,
  /** The operation ran past its deadline. */
  TIMEOUT: -32003,
  /** A per-connection or per-node limit was reached. */
  LIMIT_EXCEEDED: -32004,
  /** The node is starting or shutting down. */
  UNAVAILABLE: -32005,
  /** The provider refused the lease; data.reason is the protocol's Reject code (NO_CAPACITY, PRICE…). */
  LEASE_REJECTED: -32010,
  /** The lease was accepted but the provider has not confirmed it yet; it stays pending and is asked about again. */
  LEASE_UNCONFIRMED: -32011,
  /** The lease was accepted but never granted: the provider holds no lease for it (NOT_FOUND to the Query); none will exist. */
  LEASE_FAILED: -32012,
  /** The provider says the lease is over (released or expired): asked for or renewed too late. */
  LEASE_ENDED: -32013
} as const

export interface JsonRpcErrorObject {
  code: number
  message: string
  data?: unknown
}

/** An error that carries its JSON-RPC code; anything else a handler throws is mapped by name. */
export class RpcError extends Error {
  readonly code: number
  readonly data?: unknown

  constructor (code: number, message: string, data?: unknown) {
    super(message)
    this.name = 'RpcError'
    this.code = code
    this.data = data
  }

  toJSON (): JsonRpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data }
  }
}

export class InvalidParamsError extends RpcError {
  constructor (path: string, problem: string) {
    super(ErrorCode.INVALID_PARAMS, `Invalid params: ${path === '' ? '(params)' : path}: ${problem}`, { path, problem })
    this.name = 'InvalidParamsError'
  }
}

export class UnauthorizedError extends RpcError {
  constructor (method: string, needed: string) {
    super(ErrorCode.UNAUTHORIZED, `missing permission to invoke '${method}' (need '${needed}')`, { method, needed })
    this.name = 'UnauthorizedError'
  }
}

export class NotFoundError extends RpcError {
  constructor (message: string, data?: unknown) {
    super(ErrorCode.NOT_FOUND, message, data)
    this.name = 'NotFoundError'
  }
}

export class LimitExceededError extends RpcError {
  constructor (message: string, data?: unknown) {
    super(ErrorCode.LIMIT_EXCEEDED, message, data)
    this.name = 'LimitExceededError'
  }
}

/**
 * Errors thrown by other parts (matched by `name`, as libp2p does) and the
 * code they get on the wire. Unknown errors become -32603.
 */
const CODES_BY_ERROR_NAME: Record<string, number> = {
  TimeoutError: ErrorCode.TIMEOUT,
  AbortError: ErrorCode.TIMEOUT,
  NotFoundError: ErrorCode.NOT_FOUND,
  InvalidParametersError: ErrorCode.INVALID_PARAMS,
  InvalidMultiaddrError: ErrorCode.INVALID_PARAMS,
  NotStartedError: ErrorCode.UNAVAILABLE,
  OfferNotFoundError: ErrorCode.NOT_FOUND,
  PoolNotFoundError: ErrorCode.NOT_FOUND,
  PoolConflictError: ErrorCode.SERVER_ERROR,
  LeaseRejectedError: ErrorCode.LEASE_REJECTED,
  LeaseUnconfirmedError: ErrorCode.LEASE_UNCONFIRMED,
  LeaseFailedError: ErrorCode.LEASE_FAILED,
  LeaseEndedError: ErrorCode.LEASE_ENDED,
  LeaseUnknownError: ErrorCode.NOT_FOUND,
  NoMatchingOfferError: ErrorCode.NOT_FOUND,
  LeaseProtocolError: ErrorCode.SERVER_ERROR,
  LeaseTimeoutError: ErrorCode.TIMEOUT,
  LeaseStreamError: ErrorCode.SERVER_ERROR,
  LeaseNotActiveError: ErrorCode.SERVER_ERROR,
  InvalidCpiError: ErrorCode.INVALID_PARAMS,
  SubscriptionLimitError: ErrorCode.LIMIT_EXCEEDED
}

export function toErrorObject (err: unknown): JsonRpcErrorObject {
  if (err instanceof RpcError) return err.toJSON()
  // `details`: what a domain error adds for programs (a Reject code, a lease id)
  const e = err as { name?: string, message?: string, details?: Record<string, unknown> }
  const code = CODES_BY_ERROR_NAME[e.name ?? '']
  if (code != null) return { code, message: e.message ?? String(err), data: { name: e.name, ...e.details } }
  return { code: ErrorCode.INTERNAL_ERROR, message: 'Internal error', data: { message: e.message ?? String(err) } }
}

