/**
 * The slurm provisioner: a lease of a Slurm pool is a job allocation that
 * holds exactly its GPUs for exactly its time, owned by a login account made
 * for the lease on this host (the cluster's login node) behind its sshd.
 * The account's sessions carry SLURM_JOB_ID, so the consumer's `srun` runs
 * on the allocated nodes with the allocated GPUs. Stopping cancels the job,
 * then removes the account (the ssh provisioner's steps). Slurm is the
 * authority: an allocation it refuses is a lease refused NO_CAPACITY, and a
 * lease whose job vanished is not allocated again but ended.
 */
import type { Logger } from '../../log/logger.ts'
import { silentLogger } from '../../log/logger.ts'
import { allocate, cancel, findJob, setTimeLimit } from '../../slurm/allocation.ts'
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
  /** How long a stop waits for Slurm to finish a cancelled job (its GPUs free again). */
  cancelWaitMs?: number
  logger?: Logger
}

const DEFAULT_CANCEL_WAIT_MS = 20_000
const CANCEL_POLL_MS = 200

function failed (leaseId: string, step: string, err: unknown): Error {
  return new ProvisionFailedError(`slurm lease ${leaseId}: ${step} failed: ${(err as Error).message}`, { cause: err })
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
    let job = await this.job(lease.leaseId, signal)
    const account = await this.init.accounts.start(lease, signal, cli.env)
    if (job == null) {
      try {
        const id = await allocate(cli, {
          ...selection,
          leaseId: lease.leaseId,
          user: account.user,
          gpus: lease.gpus,
          timeLimitSec: (lease.end - Date.now()) / 1000,
          immediateSec: this.init.immediateSec
        }, { signal })
        job = await this.job(lease.leaseId, signal)
        if (job == null) throw new ProvisionFailedError(`Slurm granted job ${id} but does not list it`)
      } catch (err) {
        await this.stopQuietly(lease.leaseId)
        if (err instanceof SlurmNoResourcesError) throw new ProvisionNoCapacityError(err.message, { cause: err })
        throw failed(lease.leaseId, 'allocating the GPUs in Slurm', err)
      }
      this.log.info('Slurm allocation made', { leaseId: lease.leaseId, job: job.id, nodes: job.nodes })
    }
    try {
      return this.access(await this.init.accounts.extend(lease, signal, this.sessionEnv(job)), job, selection.partition)
    } catch (err) {
      await this.stopQuietly(lease.leaseId)
      throw failed(lease.leaseId, 'pointing the account at the job', err)
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
    return this.access(await this.init.accounts.extend(lease, signal, this.sessionEnv(job)), job, lease.slurm?.partition ?? job.partition)
  }

  async stop (leaseId: string, signal: AbortSignal): Promise<void> {
    const job = await this.job(leaseId, signal)
    if (job != null) {
      try {
        await cancel(this.init.cluster.cli, job.id, { signal })
        await this.waitGone(leaseId, signal)
      } catch (err) {
        throw failed(leaseId, `cancelling job ${job.id}`, err)
      }
      this.log.info('Slurm allocation cancelled', { leaseId, job: job.id })
    }
    await this.init.accounts.stop(leaseId, signal)
  }

  /** Leases with a job or a login account (either may be left behind by a provider killed mid-start). */
  async provisioned (signal: AbortSignal): Promise<string[]> {
    return [...new Set([...await this.allocated(signal), ...await this.init.accounts.provisioned(signal)])]
  }

  async allocated (signal: AbortSignal): Promise<string[]> {
    return (await this.init.cluster.jobs({ signal })).flatMap(j => j.leaseId != null ? [j.leaseId] : [])
  }

  private async job (leaseId: string, signal: AbortSignal): Promise<SlurmJob | undefined> {
    return (await this.init.cluster.jobs({ signal })).find(j => j.leaseId === leaseId)
  }

  /** What the lease's sessions need to reach its job: the cluster's slurm.conf (when named) and the job id. */
  private sessionEnv (job: SlurmJob): Record<string, string> {
    return { ...this.init.cluster.cli.env, SLURM_JOB_ID: String(job.id), SLURM_JOBID: String(job.id) }
  }

  private access (account: SshAccess, job: SlurmJob, partition: string): SshAccess {
    return {
      ...account,
      devices: job.nodes.flatMap(n => n.gpus.map(index => ({ index, node: n.node }))),
      slurm: { jobId: job.id, partition, nodes: job.nodes.map(n => ({ node: n.node, gpus: [...n.gpus] })) }
    }
  }

  /** Until Slurm no longer lists the lease's job: only then are its GPUs free for another. */
  private async waitGone (leaseId: string, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + (this.init.cancelWaitMs ?? DEFAULT_CANCEL_WAIT_MS)
    for (;;) {
      if (await this.job(leaseId, signal) == null) return
      if (Date.now() > deadline) throw new ProvisionFailedError(`Slurm still lists the job ${this.init.cancelWaitMs ?? DEFAULT_CANCEL_WAIT_MS} ms after it was cancelled`)
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
