/** Errors of the provisioners. */
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'

/** A provisioner could not set a lease up (or take it down); the message says which step and why. */
export const ProvisionFailedError = defineError('ProvisionFailedError', 'CPNET_PROVISION_FAILED', ErrorCode.INTERNAL_ERROR)
/** The provisioner a pool names cannot run here (no sshd host keys, no container runtime …). */
export const ProvisionerUnavailableError = defineError('ProvisionerUnavailableError', 'CPNET_PROVISIONER_UNAVAILABLE', ErrorCode.INTERNAL_ERROR)
/** The scheduler a provisioner asks (Slurm) would not give the lease's GPUs now: the lease is refused NO_CAPACITY. */
export const ProvisionNoCapacityError = defineError('ProvisionNoCapacityError', 'CPNET_PROVISION_NO_CAPACITY', ErrorCode.INTERNAL_ERROR)
