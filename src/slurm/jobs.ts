/**
 * cpnet's jobs in Slurm: each lease of a Slurm pool is one job allocation
 * named `cpnet-<lease id>`, so that the cluster itself says which GPUs cpnet
 * holds. Read with `squeue --json` where the Slurm version has it, else
 * `scontrol show job -d -o` (one job per line, the GPUs of each node).
 */
import type { SlurmCli, SlurmRunOptions } from './cli.ts'
import { gpusOf, parseGres } from './gres.ts'
import { expandHostlist } from './hostlist.ts'
import { jsonArray } from './lists.ts'
import { keyValues, type SlurmOutput } from './nodes.ts'

/** Every cpnet job is named this and the lease id (32 hex). */
const JOB_NAME_PREFIX = 'cpnet-'
const JOB_NAME = /^cpnet-([0-9a-f]{32})$/

/** The job name of a lease. */
export function jobName (leaseId: string): string {
  return JOB_NAME_PREFIX + leaseId
}

/** The GPUs a job holds on one node. */
export interface JobNodeGpus {
  node: string
  /** GRES indices on the node (what CUDA_VISIBLE_DEVICES names inside the job). */
  gpus: number[]
}

export interface SlurmJob {
  id: number
  name: string
  /** Set for cpnet's jobs. */
  leaseId?: string
  user: string
  /** Slurm's words, upper case: ['RUNNING'], or a base state and its flags (['CANCELLED', 'COMPLETING']). */
  state: string[]
  partition: string
  nodes: JobNodeGpus[]
  /** GPUs allocated, on all its nodes. */
  gpus: number
  /** unix ms; 0 while pending. */
  startTime: number
}

/** States in which a job holds (or is about to hold) its resources. */
const LIVE_STATES = new Set(['PENDING', 'RUNNING', 'SUSPENDED', 'COMPLETING', 'CONFIGURING', 'RESIZING', 'REQUEUED', 'SIGNALING', 'STAGE_OUT', 'STOPPED'])

export function isLive (job: Pick<SlurmJob, 'state'>): boolean {
  return job.state.some(word => LIVE_STATES.has(word))
}

function leaseIdOf (name: string): string | undefined {
  return JOB_NAME.exec(name)?.[1]
}

function nodeGpus (nodes: string, gres: readonly string[]): JobNodeGpus[] {
  const names = expandHostlist(nodes)
  return names.map((node, i) => ({ node, gpus: gpusOf(parseGres(gres[i] ?? gres[0] ?? '')).flatMap(g => g.indices ?? []) }))
}

function job (fields: Omit<SlurmJob, 'leaseId' | 'gpus'>): SlurmJob {
  const leaseId = leaseIdOf(fields.name)
  return { ...fields, ...(leaseId != null ? { leaseId } : {}), gpus: fields.nodes.reduce((sum, n) => sum + n.gpus.length, 0) }
}

function num (value: unknown): number {
  if (typeof value === 'number') return value
  // 23.02 and later: { set, infinite, number }
  if (value != null && typeof value === 'object' && 'number' in value && typeof value.number === 'number') return value.number
  return 0
}

function str (value: unknown): string {
  if (typeof value === 'string') return value
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0]
  return ''
}

/** 22.05's `"RUNNING"`, 23.02's `["CANCELLED", "COMPLETING"]`, or scontrol's `CANCELLED+COMPLETING`. */
function stateOf (value: unknown): string[] {
  const words = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? value.split('+') : []
  return words.map(w => w.trim().toUpperCase()).filter(w => w !== '')
}

/** squeue --json's jobs. */
export function jobsFromSqueueJson (json: string): SlurmJob[] {
  const jobs = jsonArray(json, 'squeue --json', 'jobs')
  return jobs.map(j => {
    const gres = Array.isArray(j.gres_detail) ? j.gres_detail.filter((g): g is string => typeof g === 'string') : []
    return job({
      id: num(j.job_id),
      name: str(j.name),
      user: str(j.user_name),
      state: stateOf(j.job_state),
      partition: str(j.partition),
      nodes: nodeGpus(str(j.nodes), gres),
      startTime: num(j.start_time) * 1000
    })
  })
}

/** Slurm's local time stamps (`2026-12-03T07:24:11`) or `Unknown`/`None`. */
function timeOf (value: string | undefined): number {
  if (value == null || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(value)) return 0
  return new Date(value).getTime()
}

/** `scontrol show job -d -o`: one job per line; each `Nodes=… GRES=…` pair is one node group's GPUs. */
export function jobsFromScontrol (output: string): SlurmJob[] {
  const out: SlurmJob[] = []
  for (const line of output.split('\n')) {
    if (!line.startsWith('JobId=')) continue
    const pairs = keyValues(line)
    const kv = new Map(pairs)
    const nodes: JobNodeGpus[] = []
    for (const [i, [key, value]] of pairs.entries()) {
      if (key !== 'Nodes') continue
      // the detail's Nodes= is followed by CPU_IDs=, Mem= and GRES= (GRES_IDX= before 21.08); a
      // host list with one GRES string has the same GPUs on each of its nodes
      const gres = pairs.slice(i + 1, i + 5).find(([k]) => k === 'GRES' || k === 'GRES_IDX')?.[1] ?? ''
      nodes.push(...nodeGpus(value, [gres]))
    }
    out.push(job({
      id: Number(kv.get('JobId')),
      name: kv.get('JobName') ?? '',
      user: (kv.get('UserId') ?? '').replace(/\(\d+\)$/, ''),
      state: stateOf(kv.get('JobState')),
      partition: kv.get('Partition') ?? '',
      nodes,
      startTime: timeOf(kv.get('StartTime'))
    }))
  }
  return out
}

/** Every job Slurm knows that is live. */
export async function listJobs (cli: SlurmCli, output: SlurmOutput, options: SlurmRunOptions = {}): Promise<SlurmJob[]> {
  // --all: the jobs of hidden partitions too
  const all = output === 'json'
    ? jobsFromSqueueJson((await cli.run('squeue', ['--all', '--json'], options)).stdout)
    : jobsFromScontrol((await cli.run('scontrol', ['--all', 'show', 'job', '-d', '-o'], options)).stdout)
  return all.filter(isLive)
}
