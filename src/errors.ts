/**
 * cpnet's named errors, as js-libp2p and abstract-level have them: callers
 * match on `name` (or the stable `code`), never on the message text.
 */
export interface CpnetError extends Error {
  readonly code: string
}

export interface CpnetErrorClass {
  new (message: string, options?: ErrorOptions): CpnetError
  readonly code: string
}

/** Declares an error class: `export const FooError = defineError('FooError', 'CPNET_FOO')`. */
export function defineError (name: string, code: string): CpnetErrorClass {
  const cls = class extends Error {
    static readonly code = code
    readonly code = code
    constructor (message: string, options?: ErrorOptions) {
      super(message, options)
      this.name = name
    }
  }
  Object.defineProperty(cls, 'name', { value: name })
  return cls
}
