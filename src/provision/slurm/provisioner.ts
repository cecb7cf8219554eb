/**
 * The slurm provisioner: a lease of a Slurm pool is a job allocation that
 * holds exactly its GPUs for the lease's time, owned by a login account made
 * for the lease on this host (the cluster's login node) behind its sshd.
 * The account's sessions carry SLURM_JOB_ID, so the consumer's `srun` runs
 * on the allocated nodes with the allocated GPUs. Stopping cancels every job
 * of the account (the lease's, and any the consumer submitted from it), then
 * removes the account (the ssh provisioner's steps), the latter even when
 * Slurm cannot be reached. Slurm is the authority: an allocation it refuses
 * as busy is a lease refused NO_CAPACITY, and a lease whose job vanished is
 * not allocated again but ended (restores: false).
 */
import type { Logger } from '../../log/logger.ts'
import { silentLogger } from '../../log/logger.ts'
import { allocate, cancelUserJobs, setTimeLimit } from '../../slurm/allocation.ts'
import type { SlurmCluster } from '../../slurm/cluster.ts'
import { SlurmNoResourcesError } from '../../slurm/errors.ts'
import type { SlurmJob } from '../../slurm/jobs.ts'
import { ProvisionFailedError, ProvisionNoCapacityError } from '../errors.ts'
import type { SshProvisioner } from '../ssh/provisioner.ts'
import type { Provisioner, ProvisionLease, SshAccess } from '../types.ts'

export interface SlurmProvisionerInit {
  cluster: SlurmCluster
  /** Makes and removes the lease's login accounts (its own userPrefix, not the ssh pools'). */
  accounts: SshProvisioner
  /** How long salloc waits for the GPUs before the lease is refused. */
  immediateSec: number
  /** How long a stop waits for Slurm to finish the cancelled jobs (their GPUs free again). */
  cancelWaitMs?: number
  logger?: Logger
}

const DEFAULT_CANCEL_WAIT_MS = 20_000
const CANCEL_POLL_MS = 200

function failed (leaseId: string, step: string, err: unknown): Error {
  return new ProvisionFailedError(`slurm lease ${leaseId}: ${step} failed: ${(err as Error).message}`, { cause: err })
}

/** The lease's share of the pool's CPUs and RAM per GPU, as salloc takes it; nothing where the pool states none. */
function perGpu (lease: ProvisionLease): { cpusPerGpu?: number, memPerGpuMib?: number } {
  const gpus = Math.max(1, lease.gpus)
  return {
    ...(lease.cpuCores > 0 ? { cpusPerGpu: Math.max(1, Math.floor(lease.cpuCores / gpus)) } : {}),
    ...(lease.ramGib > 0 ? { memPerGpuMib: Math.max(1, Math.floor(lease.ramGib * 1024 / gpus)) } : {})
  }
}

export class SlurmProvisioner implements Provisioner {
  readonly kind = 'slurm'
  readonly restores = false
  private readonly init: SlurmProvisionerInit
  private readonly log: Logger

  constructor (init: SlurmProvisionerInit) {
    this.init = init
    this.log = init.logger ?? silentLogger()
  }

  async start (lease: ProvisionLease, signal: AbortSignal): Promise<SshAccess> {
    const selection = lease.slurm
    if (selection == null) throw new ProvisionFailedError(`slurm lease ${lease.leaseId}: the lease names no Slurm partition`)
    const { cli } = this.init.cluster
    const account = await this.init.accounts.start(lease, signal, this.loginEnv(lease))
    let job: SlurmJob | undefined
    try {
      job = await this.job(lease.leaseId, signal)
      if (job == null) {
        const id = await allocate(cli, {
          ...selection,
          ...perGpu(lease),
          leaseId: lease.leaseId,
          user: account.user,
          gpus: lease.gpus,
          timeLimitSec: (lease.end - Date.now()) / 1000,
          immediateSec: this.init.immediateSec
        }, { signal })
        job = (await this.init.cluster.cpnetJobs({ signal })).find(j => j.id === id)
        if (job == null) throw new ProvisionFailedError(`Slurm granted job ${id} but does not list it as the lease's`)
        this.log.info('Slurm allocation made', { leaseId: lease.leaseId, job: job.id, nodes: job.nodes })
      } else {
        // the job of an earlier start of this lease (a daemon restarted mid-grant): it ends with the lease
        await setTimeLimit(cli, job, lease.end, { signal })
      }
      return this.access(await this.init.accounts.extend(lease, signal, this.sessionEnv(lease, job)), job, selection.partition)
    } catch (err) {
      await this.stopQuietly(lease.leaseId)
      if (err instanceof SlurmNoResourcesError) throw new ProvisionNoCapacityError(err.message, { cause: err })
      throw failed(lease.leaseId, job == null ? 'allocating the GPUs in Slurm' : 'pointing the account at the job', err)
    }
  }

  async extend (lease: ProvisionLease, signal: AbortSignal): Promise<SshAccess> {
    const job = await this.job(lease.leaseId, signal)
    if (job == null) throw new ProvisionFailedError(`slurm lease ${lease.leaseId}: Slurm has no job for it to extend`)
    try {
      await setTimeLimit(this.init.cluster.cli, job, lease.end, { signal })
    } catch (err) {
      throw failed(lease.leaseId, `moving job ${job.id}'s time limit`, err)
    }
    this.log.info('Slurm allocation extended', { leaseId: lease.leaseId, job: job.id, end: lease.end })
    return this.access(await this.init.accounts.extend(lease, signal, this.sessionEnv(lease, job)), job, lease.slurm?.partition ?? job.partition)
  }

  async stop (leaseId: string, signal: AbortSignal): Promise<void> {
    const user = this.init.accounts.userOf(leaseId)
    try {
      const jobs = await this.init.cluster.jobsOf(user, { signal })
      if (jobs.length > 0) {
        await cancelUserJobs(this.init.cluster.cli, user, { signal })
        await this.waitGone(user, signal)
        this.log.info('Slurm jobs of the lease cancelled', { leaseId, jobs: jobs.map(j => j.id) })
      }
    } catch (err) {
      throw failed(leaseId, `cancelling the jobs of ${user}`, err)
    } finally {
      // the login goes even when Slurm cannot be reached: a released lease keeps no way in
      await this.init.accounts.stop(leaseId, signal)
    }
  }

  async allocated (signal: AbortSignal): Promise<string[]> {
    return (await this.init.cluster.cpnetJobs({ signal })).map(j => j.leaseId)
  }

  /** Leases with a job or a login account (either may be left behind by a provider killed mid-start). */
  async provisioned (signal: AbortSignal): Promise<string[]> {
    return [...new Set([...await this.allocated(signal), ...await this.init.accounts.provisioned(signal)])]
  }

  private async job (leaseId: string, signal: AbortSignal): Promise<SlurmJob | undefined> {
    return (await this.init.cluster.cpnetJobs({ signal })).find(j => j.leaseId === leaseId)
  }

  /** The login's environment before the job exists: the cluster's slurm.conf (when named) and the lease. */
  private loginEnv (lease: ProvisionLease): Record<string, string> {
    return { ...this.init.cluster.cli.env, CPNET_LEASE_ID: lease.leaseId }
  }

  /** What the lease's sessions need to reach its job; the GPUs' variables are Slurm's to set in each step. */
  private sessionEnv (lease: ProvisionLease, job: SlurmJob): Record<string, string> {
    return { ...this.loginEnv(lease), SLURM_JOB_ID: String(job.id), SLURM_JOBID: String(job.id) }
  }

  private access (account: SshAccess, job: SlurmJob, partition: string): SshAccess {
    return {
      ...account,
      devices: job.nodes.flatMap(n => n.gpus.map(index => ({ index, node: n.node }))),
      slurm: { jobId: job.id, partition, nodes: job.nodes.map(n => ({ node: n.node, gpus: [...n.gpus] })) }
    }
  }

  /** Until Slurm lists no job of the user: only then are the GPUs free for another lease. */
  private async waitGone (user: string, signal: AbortSignal): Promise<void> {
    const waitMs = this.init.cancelWaitMs ?? DEFAULT_CANCEL_WAIT_MS
    const deadline = Date.now() + waitMs
    for (;;) {
      if ((await this.init.cluster.jobsOf(user, { signal })).length === 0) return
      if (Date.now() > deadline) throw new ProvisionFailedError(`Slurm still lists jobs of ${user} ${waitMs} ms after they were cancelled`)
      await new Promise(resolve => setTimeout(resolve, CANCEL_POLL_MS))
    }
  }

  /** After a failed start: what it made goes, with a signal of its own (the start's may be what fired). */
  private async stopQuietly (leaseId: string): Promise<void> {
    try {
      await this.stop(leaseId, new AbortController().signal)
    } catch (err) {
      this.log.warn('could not remove what a failed Slurm start made', { leaseId, err: (err as Error).message })
    }
  }
}
