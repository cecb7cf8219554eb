/**
 * JSON-RPC errors: the error object, the errors of the RPC layer itself
 * (which carry their code and data as they go on the wire), and the mapping
 * of whatever else a handler throws. The codes live in src/error-codes.ts,
 * below every part, since each cpnet error declares its own.
 */
import { ErrorCode } from '../error-codes.ts'
import { isCpnetError } from '../errors.ts'

export { ErrorCode, type RpcErrorCode } from '../error-codes.ts'

export interface JsonRpcErrorObject {
  code: number
  message: string
  data?: unknown
}

/** An error of the RPC layer, with its JSON-RPC code and data as they go on the wire; a domain error declares its code instead (defineError). */
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
 * Errors that cpnet does not define, thrown by libp2p and its parts (matched
 * by `name`, as libp2p does), and the code they get on the wire. cpnet's own
 * errors declare their code (defineError) and need no entry here.
 */
const CODES_OF_FOREIGN_ERRORS: Record<string, number> = {
  TimeoutError: ErrorCode.TIMEOUT,
  AbortError: ErrorCode.TIMEOUT,
  NotFoundError: ErrorCode.NOT_FOUND,
  InvalidParametersError: ErrorCode.INVALID_PARAMS,
  InvalidMultiaddrError: ErrorCode.INVALID_PARAMS,
  NotStartedError: ErrorCode.UNAVAILABLE
}

function internal (message: string): JsonRpcErrorObject {
  return { code: ErrorCode.INTERNAL_ERROR, message: 'Internal error', data: { message } }
}

export function toErrorObject (err: unknown): JsonRpcErrorObject {
  if (err instanceof RpcError) return err.toJSON()
  // `details`: what a domain error adds for programs (a Reject code, a lease id)
  if (isCpnetError(err)) {
    // an error that should never reach a caller says no more than an unknown one
    if (err.rpcCode === ErrorCode.INTERNAL_ERROR) return internal(err.message)
    return { code: err.rpcCode, message: err.message, data: { name: err.name, ...err.details } }
  }
  const e = err as { name?: string, message?: string }
  const code = CODES_OF_FOREIGN_ERRORS[e.name ?? '']
  if (code != null) return { code, message: e.message ?? String(err), data: { name: e.name } }
  return internal(e.message ?? String(err))
}
