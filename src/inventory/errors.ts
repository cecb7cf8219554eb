import { defineError } from '../errors.ts'

/** The pool exists but this operation may not change it, or its spec is unusable. */
export const PoolConflictError = defineError('PoolConflictError', 'CPNET_POOL_CONFLICT')

export const PoolNotFoundError = defineError('PoolNotFoundError', 'CPNET_POOL_NOT_FOUND')
