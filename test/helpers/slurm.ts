/**
 * Slurm for tests: the one-host cluster of src/testnet/slurm-cluster.ts.
 * Tests that need it skip (or fail under CI=true) when Slurm, munge or root
 * is missing.
 */
import { slurmMissing } from '../../src/testnet/slurm-cluster.ts'

export { slurmMissing, slurmProcesses, startSlurmCluster, type SlurmCluster, type SlurmClusterInit, type SlurmRunOptions } from '../../src/testnet/slurm-cluster.ts'

/** Skips the running test saying why Slurm tests cannot run; under CI=true that is a failure instead. */
export function requireSlurm (ctx: { skip: (note?: string) => void }): void {
  const missing = slurmMissing()
  if (missing == null) return
  if (process.env.CI === 'true') throw new Error(`${missing}, and CI must run the Slurm tests`)
  ctx.skip(missing)
}
