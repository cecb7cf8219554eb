/**
 * One Slurm cluster as the provider's node sees it: the GPUs a pool's
 * selection (partition, GRES type, feature) has, how many are free, and how
 * many cpnet's own jobs hold. JSON output is used where the cluster's Slurm
 * has it; `auto` asks once and falls back to text for good when the commands
 * do not know --json.
 */
import { SlurmCli, type SlurmCliInit, type SlurmRunOptions } from './cli.ts'
import { SlurmCommandError } from './errors.ts'
import { listJobs, type SlurmJob } from './jobs.ts'
import { partitionGpus, readNodes, type SlurmNode, type SlurmOutput, type SlurmSelector } from './nodes.ts'

export type SlurmOutputChoice = SlurmOutput | 'auto'

export interface SlurmClusterInit extends SlurmCliInit {
  output?: SlurmOutputChoice
}

/** What a pool's selection has now. */
export interface SlurmReading {
  nodes: SlurmNode[]
  /** GPUs on usable nodes. */
  total: number
  /** Of those, in no job. */
  free: number
  /** Of those, in cpnet's jobs (one per lease). */
  cpnetGpus: number
  /** unix ms when the reading began. */
  at: number
}

/** Slurm's words for an option it does not have (a version before --json) or JSON it cannot write (no serializer plugin). */
const NO_SUCH_OPTION = /unrecognized option|invalid option|unknown option|illegal option|serializer|data_parser/i

export class SlurmCluster {
  readonly cli: SlurmCli
  private output: SlurmOutputChoice

  constructor (init: SlurmClusterInit = {}) {
    this.cli = new SlurmCli(init)
    this.output = init.output ?? 'auto'
  }

  /** Reads the selection's nodes and cpnet's jobs on them. */
  async read (selector: SlurmSelector, options: SlurmRunOptions = {}): Promise<SlurmReading> {
    const at = Date.now()
    const [raw, jobs] = await Promise.all([
      this.withOutput(output => readNodes(this.cli, output, options)),
      this.jobs(options)
    ])
    const gpus = partitionGpus(raw, selector)
    const usable = new Set(gpus.nodes.filter(n => n.usable).map(n => n.name))
    let cpnetGpus = 0
    for (const job of jobs) {
      if (job.leaseId == null) continue
      for (const node of job.nodes) if (usable.has(node.node)) cpnetGpus += node.gpus.length
    }
    return { nodes: gpus.nodes, total: gpus.total, free: gpus.free, cpnetGpus: Math.min(cpnetGpus, gpus.total - gpus.free), at }
  }

  /** Every live job of the cluster. */
  async jobs (options: SlurmRunOptions = {}): Promise<SlurmJob[]> {
    return this.withOutput(output => listJobs(this.cli, output, options))
  }

  /** The output form the commands are asked for now ('auto' until the first answer). */
  get outputForm (): SlurmOutputChoice {
    return this.output
  }

  private async withOutput<T> (read: (output: SlurmOutput) => Promise<T>): Promise<T> {
    if (this.output !== 'auto') return read(this.output)
    try {
      const result = await read('json')
      this.output = 'json'
      return result
    } catch (err) {
      if (!(err instanceof SlurmCommandError) || !NO_SUCH_OPTION.test(err.said)) throw err
      this.output = 'text'
      return read('text')
    }
  }
}
