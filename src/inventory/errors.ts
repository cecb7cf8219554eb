import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'

/** The pool exists but this operation may not change it, or its spec is unusable. */
export const PoolConflictError = defineError('PoolConflictError', 'CPNET_POOL_CONFLICT', ErrorCode.SERVER_ERROR)

export const PoolNotFoundError = defineError('PoolNotFoundError', 'CPNET_POOL_NOT_FOUND', ErrorCode.NOT_FOUND)

/** A pool spec that cannot stand as declared; `field` names the culprit, dotted under the spec (floorMicrosPerGpuHour, devices.2.index). */
export class PoolSpecError extends defineError('PoolSpecError', 'CPNET_POOL_SPEC', ErrorCode.INVALID_PARAMS) {
  readonly field: string

  constructor (field: string, message: string) {
    super(message)
    this.field = field
  }
}
