/**
 * One Slurm cluster as the provider's node sees it: the GPUs a pool's
 * selection (partition, GRES type, feature) has, how many are free, and
 * cpnet's own jobs. A job is cpnet's when it is named `cpnet-<lease id>` and
 * belongs to that lease's login account: a job anyone else names so is
 * someone else's. JSON output is used where the cluster's Slurm has it;
 * `auto` asks once per reader (nodes, jobs) and falls back to text for good
 * when the command does not know --json or lays its JSON out otherwise.
 */
import { SlurmCli, type SlurmCliInit, type SlurmRunOptions } from './cli.ts'
import { SlurmCommandError } from './errors.ts'
import { listJobs, type SlurmJob } from './jobs.ts'
import { partitionGpus, readNodes, type SlurmNode, type SlurmOutput, type SlurmSelector } from './nodes.ts'

export type SlurmOutputChoice = SlurmOutput | 'auto'

export interface SlurmClusterInit extends SlurmCliInit {
  output?: SlurmOutputChoice
  /** The Unix user a lease's job belongs to (its login account). */
  leaseUser: (leaseId: string) => string
}

/** What a pool's selection has now. */
export interface SlurmReading {
  nodes: SlurmNode[]
  /** GPUs on usable nodes. */
  total: number
  /** Of those, in no job. */
  free: number
  /** Of those, in cpnet's jobs of the selection's partition. */
  cpnetGpus: number
  /** unix ms when the reading began. */
  at: number
}

/** Slurm's words for an option it does not have (a version before --json) or JSON it cannot write (no serializer plugin). */
const NO_SUCH_OPTION = /unrecognized option|invalid option|unknown option|illegal option|serializer|data_parser/i

type Reader = 'nodes' | 'jobs'

export class SlurmCluster {
  readonly cli: SlurmCli
  private readonly leaseUser: (leaseId: string) => string
  private readonly output: Record<Reader, SlurmOutputChoice>

  constructor (init: SlurmClusterInit) {
    this.cli = new SlurmCli(init)
    this.leaseUser = init.leaseUser
    const output = init.output ?? 'auto'
    this.output = { nodes: output, jobs: output }
  }

  /** Reads the selection's nodes and cpnet's jobs on them. */
  async read (selector: SlurmSelector, options: SlurmRunOptions = {}): Promise<SlurmReading> {
    const at = Date.now()
    const [raw, jobs] = await Promise.all([
      this.withOutput('nodes', output => readNodes(this.cli, output, options)),
      this.cpnetJobs(options)
    ])
    const gpus = partitionGpus(raw, selector)
    const usable = new Set(gpus.nodes.filter(n => n.usable).map(n => n.name))
    let cpnetGpus = 0
    for (const job of jobs) {
      if (job.partition !== selector.partition) continue
      for (const node of job.nodes) if (usable.has(node.node)) cpnetGpus += node.gpus.length
    }
    return { nodes: gpus.nodes, total: gpus.total, free: gpus.free, cpnetGpus: Math.min(cpnetGpus, gpus.total - gpus.free), at }
  }

  /** cpnet's live jobs: named for a lease and owned by its login account. */
  async cpnetJobs (options: SlurmRunOptions = {}): Promise<Array<SlurmJob & { leaseId: string }>> {
    return (await this.jobs(options)).filter((j): j is SlurmJob & { leaseId: string } => j.leaseId != null && j.user === this.leaseUser(j.leaseId))
  }

  /** Every live job of one user (a lease's account runs its own salloc and sbatch too). */
  async jobsOf (user: string, options: SlurmRunOptions = {}): Promise<SlurmJob[]> {
    return (await this.jobs(options)).filter(j => j.user === user)
  }

  private async jobs (options: SlurmRunOptions): Promise<SlurmJob[]> {
    return await this.withOutput('jobs', output => listJobs(this.cli, output, options))
  }

  private async withOutput<T> (reader: Reader, read: (output: SlurmOutput) => Promise<T>): Promise<T> {
    const chosen = this.output[reader]
    if (chosen !== 'auto') return read(chosen)
    try {
      const result = await read('json')
      this.output[reader] = 'json'
      return result
    } catch (err) {
      if (!(err instanceof SlurmCommandError) || !(err.unknownShape || NO_SUCH_OPTION.test(err.said))) throw err
      this.output[reader] = 'text'
      return read('text')
    }
  }
}
