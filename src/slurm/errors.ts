/** Errors of the Slurm part. */
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'

/** A Slurm command failed or answered something this part cannot read; `said` is Slurm's own words (stderr). */
export class SlurmCommandError extends defineError('SlurmCommandError', 'CPNET_SLURM_COMMAND_FAILED', ErrorCode.INTERNAL_ERROR) {
  said = ''
  /** The command answered JSON laid out as this part does not read (another Slurm version's): its text form may do. */
  unknownShape = false
}
/** Slurm would not allocate what was asked now (busy, drained or too few GPUs): the lease is refused NO_CAPACITY. */
export const SlurmNoResourcesError = defineError('SlurmNoResourcesError', 'CPNET_SLURM_NO_RESOURCES', ErrorCode.INTERNAL_ERROR)
