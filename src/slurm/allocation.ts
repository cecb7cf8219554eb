/**
 * A lease's allocation in Slurm: `salloc --no-shell`, run as the lease's
 * user, makes a job that holds the GPUs for exactly the lease's time, and
 * returns at once (`--immediate`: resources now or a refusal, never a wait in
 * the queue). The consumer's `srun` runs in it (SLURM_JOB_ID). scancel ends
 * it; scontrol moves its time limit on a renewal.
 */
import type { SlurmCli, SlurmRunOptions } from './cli.ts'
import { SlurmCommandError, SlurmNoResourcesError } from './errors.ts'
import { jobName, type SlurmJob } from './jobs.ts'
import type { SlurmSelector } from './nodes.ts'

export interface AllocationRequest extends SlurmSelector {
  leaseId: string
  /** The Unix user the job is allocated by and for (salloc runs as this user). */
  user: string
  gpus: number
  /** The job's time limit, seconds (Slurm keeps whole minutes: rounded up; cpnet cancels the job at the lease's end). */
  timeLimitSec: number
  /** CPU cores and memory (MiB) per GPU, where the pool states them; Slurm's defaults otherwise. */
  cpusPerGpu?: number
  memPerGpuMib?: number
  /** Slurm account (bank) to charge; Slurm's default for the user without it. */
  account?: string
  /** How long salloc waits for the resources before refusing; seconds, at least 1. */
  immediateSec: number
}

/** Slurm's duration format, `D-HH:MM:SS`. */
export function slurmDuration (seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds))
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${Math.floor(s / 86_400)}-${pad(Math.floor(s / 3600) % 24)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`
}

/**
 * salloc's words for "not now" (the GPUs are in other jobs, the nodes are
 * down): NO_CAPACITY. Anything else, e.g. "Requested node configuration is
 * not available" for a GRES type or feature no node has, or an invalid
 * account, is the pool's configuration, and fails the start with Slurm's words.
 */
const NO_RESOURCES = /Requested nodes are busy|Nodes required for job are DOWN|Resource temporarily unavailable|Immediate execution impossible|queued and waiting/i

/** salloc's "Granted job allocation 42". */
const GRANTED = /Granted job allocation (\d+)/

export async function allocate (cli: SlurmCli, req: AllocationRequest, options: SlurmRunOptions = {}): Promise<number> {
  const gpus = req.gresType == null ? `${req.gpus}` : `${req.gresType}:${req.gpus}`
  const args = [
    '--no-shell',
    `--immediate=${Math.max(1, Math.round(req.immediateSec))}`,
    `--job-name=${jobName(req.leaseId)}`,
    `--partition=${req.partition}`,
    `--gpus=${gpus}`,
    `--time=${slurmDuration(req.timeLimitSec)}`,
    ...(req.cpusPerGpu != null ? [`--cpus-per-gpu=${req.cpusPerGpu}`] : []),
    ...(req.memPerGpuMib != null ? [`--mem-per-gpu=${req.memPerGpuMib}M`] : []),
    ...(req.feature != null ? [`--constraint=${req.feature}`] : []),
    ...(req.account != null ? [`--account=${req.account}`] : [])
  ]
  let stderr: string
  try {
    ({ stderr } = await cli.run('salloc', args, { ...options, user: req.user }))
  } catch (err) {
    if (err instanceof SlurmCommandError && NO_RESOURCES.test(err.said)) {
      throw new SlurmNoResourcesError(`Slurm cannot give ${req.gpus} GPU${req.gpus === 1 ? '' : 's'} of partition ${req.partition} now: ${err.said.split('\n')[0] ?? ''}`, { cause: err })
    }
    throw err
  }
  const id = GRANTED.exec(stderr)?.[1]
  if (id == null) throw new SlurmCommandError(`salloc said nothing of an allocation for lease ${req.leaseId}: ${stderr.trim()}`)
  return Number(id)
}

/** Sets a job's time limit, counted from its start, so that it ends at `endMs`. */
export async function setTimeLimit (cli: SlurmCli, job: Pick<SlurmJob, 'id' | 'startTime'>, endMs: number, options: SlurmRunOptions = {}): Promise<void> {
  const start = job.startTime > 0 ? job.startTime : Date.now()
  await cli.run('scontrol', ['update', `JobId=${job.id}`, `TimeLimit=${slurmDuration((endMs - start) / 1000)}`], options)
}

/** Cancels every job of a user (a lease's login account: its own salloc and sbatch too). */
export async function cancelUserJobs (cli: SlurmCli, user: string, options: SlurmRunOptions = {}): Promise<void> {
  await cli.run('scancel', [`--user=${user}`], options)
}
