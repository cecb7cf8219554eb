/**
 * cpnet's named errors, as js-libp2p and abstract-level have them: callers
 * match on `name` (or the stable `code`), never on the message text.
 */
export interface CpnetError extends Error {
  readonly code: string
}

/** An error that tells programs more than its message: the JSON-RPC error's `data` (a lease id and state …). */
export interface CpnetDetailedError<D extends object> extends CpnetError {
  readonly details: D
}

export interface CpnetErrorClass {
  new (message: string, options?: ErrorOptions): CpnetError
  readonly code: string
}

export interface CpnetDetailedErrorClass<D extends object> {
  new (message: string, options: ErrorOptions & { details: D }): CpnetDetailedError<D>
  readonly code: string
}

/**
 * Declares an error class: `export const FooError = defineError('FooError', 'CPNET_FOO')`.
 * With a type argument its errors carry typed `details`, given beside `cause`:
 * `defineError<{ leaseId: string }>(…)`, then `new BarError(message, { details: { leaseId } })`.
 */
export function defineError (name: string, code: string): CpnetErrorClass
export function defineError<D extends object> (name: string, code: string): CpnetDetailedErrorClass<D>
export function defineError (name: string, code: string): CpnetErrorClass | CpnetDetailedErrorClass<object> {
  const cls = class extends Error {
    static readonly code = code
    readonly code = code
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
