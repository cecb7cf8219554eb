/** The pool exists but this operation may not change it, or its spec is unusable. */
export class PoolConflictError extends Error {
  static readonly code = 'CPNET_POOL_CONFLICT'
  readonly code = PoolConflictError.code
  constructor (message: string) {
    super(message)
    this.name = 'PoolConflictError'
  }
}

export class PoolNotFoundError extends Error {
  static readonly code = 'CPNET_POOL_NOT_FOUND'
  readonly code = PoolNotFoundError.code
  constructor (message: string) {
    super(message)
    this.name = 'PoolNotFoundError'
  }
}
