/**
 * cpnet's named errors, as js-libp2p and abstract-level have them: callers
 * match on `name` (or the stable `code`), never on the message text. Every
 * error also declares the JSON-RPC code it reaches a caller with, so a new
 * error needs no entry in any table to get the right one (rpc/errors.ts
 * reads it from the error).
 */
import type { RpcErrorCode } from './error-codes.ts'

export interface CpnetError extends Error {
  readonly code: string
  /** What the error becomes on JSON-RPC; INTERNAL_ERROR for errors that never reach a caller. */
  readonly rpcCode: RpcErrorCode
}

/** An error that tells programs more than its message: the JSON-RPC error's `data` (a lease id and state …). */
export interface CpnetDetailedError<D extends object> extends CpnetError {
  readonly details: D
}

export interface CpnetErrorClass {
  new (message: string, options?: ErrorOptions): CpnetError
  /** The `name` its errors carry, also when a subclass adds fields. */
  readonly errorName: string
  readonly code: string
  readonly rpcCode: RpcErrorCode
}

export interface CpnetDetailedErrorClass<D extends object> {
  new (message: string, options: ErrorOptions & { details: D }): CpnetDetailedError<D>
  readonly errorName: string
  readonly code: string
  readonly rpcCode: RpcErrorCode
}

/** What every defined error extends: the mark by which isCpnetError knows one. */
class DefinedError extends Error {}

/** True for an error made by defineError (or a subclass of one); its `rpcCode` and `details` can be trusted. */
export function isCpnetError (err: unknown): err is CpnetError & { readonly details?: object } {
  return err instanceof DefinedError
}

/**
 * Declares an error class: `export const FooError = defineError('FooError', 'CPNET_FOO', ErrorCode.NOT_FOUND)`.
 * With a type argument its errors carry typed `details`, given beside `cause`:
 * `defineError<{ leaseId: string }>(…)`, then `new BarError(message, { details: { leaseId } })`.
 * An error that needs fields of its own (a `reason`, a `field`) is a subclass of one.
 */
export function defineError (name: string, code: string, rpcCode: RpcErrorCode): CpnetErrorClass
export function defineError<D extends object> (name: string, code: string, rpcCode: RpcErrorCode): CpnetDetailedErrorClass<D>
export function defineError (name: string, code: string, rpcCode: RpcErrorCode): CpnetErrorClass | CpnetDetailedErrorClass<object> {
  const cls = class extends DefinedError {
    static readonly errorName = name
    static readonly code = code
    static readonly rpcCode = rpcCode
    readonly code = code
    readonly rpcCode = rpcCode
    declare readonly details?: object
    constructor (message: string, options?: ErrorOptions & { details?: object }) {
      super(message, options)
      this.name = name
      if (options?.details != null) this.details = options.details
    }
  }
  Object.defineProperty(cls, 'name', { value: name })
  return cls
}
