/**
 * The GPUs of a Slurm partition, node by node, as the cluster reports them
 * now: `sinfo --json` where the Slurm version has it (21.08 and later),
 * `scontrol show node -d -o` (one line of Key=Value per node, every version)
 * otherwise. A node that is down, drained, draining, failed, not responding,
 * in maintenance or powered down offers nothing: its GPUs leave the pool.
 */
import type { SlurmCli, SlurmRunOptions } from './cli.ts'
import { gpuCount, parseGres } from './gres.ts'
import { jsonArray } from './lists.ts'

/** Which of a cluster's GPUs a pool offers. */
export interface SlurmSelector {
  partition: string
  /** Only GPUs of this GRES type (gpu:<type>:N); all GPUs without it. */
  gresType?: string
  /** Only nodes with this feature (Features= in slurm.conf). */
  feature?: string
}

/** One node of the partition. */
export interface SlurmNode {
  name: string
  /** Slurm's state words, upper case, e.g. ['MIXED'] or ['IDLE', 'DRAIN']. */
  state: string[]
  /** Can take new jobs: up, and not drained, failed or unreachable. */
  usable: boolean
  /** GPUs of the selected type on the node. */
  gpus: number
  /** Of those, allocated to jobs now. */
  usedGpus: number
}

export interface PartitionGpus {
  nodes: SlurmNode[]
  /** GPUs on usable nodes: what the pool has. */
  total: number
  /** Of those, allocated to no job. */
  free: number
}

/** State words under which a node takes no new job of cpnet's (RESERVED: its GPUs are kept for a reservation's users). */
const UNUSABLE_STATES = new Set(['DOWN', 'DRAIN', 'DRAINED', 'DRAINING', 'FAIL', 'FAILING', 'NOT_RESPONDING', 'NO_RESPOND', 'MAINT', 'MAINTENANCE', 'POWERED_DOWN', 'POWER_DOWN', 'POWERING_DOWN', 'POWERING_UP', 'FUTURE', 'UNKNOWN', 'REBOOT_ISSUED', 'REBOOT_REQUESTED', 'INVALID', 'INVALID_REG', 'RESERVED'])

/** `IDLE+DRAIN`, `DOWN*` (the * is "not responding"), `mixed` → upper-case words. */
export function stateWords (state: string | readonly string[], flags: readonly string[] = []): string[] {
  const words = (typeof state === 'string' ? [state] : [...state]).flatMap(s => s.split('+'))
  const out: string[] = []
  for (const word of [...words, ...flags]) {
    const w = word.trim().toUpperCase()
    if (w === '') continue
    if (w.endsWith('*')) out.push(w.slice(0, -1), 'NOT_RESPONDING')
    else out.push(w)
  }
  return [...new Set(out.filter(w => w !== ''))]
}

interface RawNode {
  name: string
  state: string[]
  partitions: string[]
  features: string[]
  gres: string
  gresUsed: string
}

function toNode (raw: RawNode, selector: SlurmSelector): SlurmNode {
  const gpus = gpuCount(parseGres(raw.gres), selector.gresType)
  const usedGpus = Math.min(gpus, gpuCount(parseGres(raw.gresUsed), selector.gresType))
  return { name: raw.name, state: raw.state, usable: !raw.state.some(w => UNUSABLE_STATES.has(w)), gpus, usedGpus }
}

/** The selected nodes of the partition and their GPUs. */
export function partitionGpus (raw: readonly RawNode[], selector: SlurmSelector): PartitionGpus {
  const nodes = raw
    .filter(n => n.partitions.includes(selector.partition) && (selector.feature == null || n.features.includes(selector.feature)))
    .map(n => toNode(n, selector))
    .filter(n => n.gpus > 0)
    .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  let total = 0
  let free = 0
  for (const n of nodes) {
    if (!n.usable) continue
    total += n.gpus
    // a node whose CPUs are all taken (ALLOCATED) runs no new job, whatever GPUs it has left
    if (!n.state.includes('ALLOCATED')) free += n.gpus - n.usedGpus
  }
  return { nodes, total, free }
}

function list (value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  if (typeof value === 'string') return value.split(',').map(s => s.trim()).filter(s => s !== '' && s !== '(null)')
  return []
}

function text (value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/** sinfo --json's nodes (22.05: state a string and state_flags; 23.02 and later: state an array). */
export function nodesFromSinfoJson (json: string): RawNode[] {
  const nodes = jsonArray(json, 'sinfo --json', 'nodes')
  return nodes.map(n => ({
    name: text(n.name),
    state: stateWords(Array.isArray(n.state) ? list(n.state) : text(n.state), list(n.state_flags)),
    partitions: list(n.partitions),
    features: list(n.active_features ?? n.features),
    gres: text(n.gres),
    gresUsed: text(n.gres_used)
  })).filter(n => n.name !== '')
}

/** `Key=Value Key=Value …` of one oneliner record; a value runs to the next ` Key=`. */
export function keyValues (line: string): Array<[string, string]> {
  const out: Array<[string, string]> = []
  const re = /(?:^|\s)([A-Za-z_/][A-Za-z0-9_/:.]*)=/g
  const marks: Array<{ key: string, at: number, end: number }> = []
  for (let m = re.exec(line); m != null; m = re.exec(line)) marks.push({ key: m[1] as string, at: m.index, end: re.lastIndex })
  for (const [i, mark] of marks.entries()) out.push([mark.key, line.slice(mark.end, marks[i + 1]?.at ?? line.length).trim()])
  return out
}

/** `scontrol show node -d -o`: one node per line. */
export function nodesFromScontrol (output: string): RawNode[] {
  const out: RawNode[] = []
  for (const line of output.split('\n')) {
    if (!line.startsWith('NodeName=')) continue
    const kv = new Map(keyValues(line))
    out.push({
      name: kv.get('NodeName') ?? '',
      state: stateWords(kv.get('State') ?? ''),
      partitions: list(kv.get('Partitions')),
      features: list(kv.get('ActiveFeatures') ?? kv.get('AvailableFeatures')),
      gres: kv.get('Gres') ?? '',
      gresUsed: kv.get('GresUsed') ?? ''
    })
  }
  return out.filter(n => n.name !== '')
}

/** How a reader asks Slurm: with --json, or in text. */
export type SlurmOutput = 'json' | 'text'

/** Reads every node of the cluster with its GPUs. */
export async function readNodes (cli: SlurmCli, output: SlurmOutput, options: SlurmRunOptions = {}): Promise<RawNode[]> {
  // --all: a hidden partition (one kept for cpnet) is left out otherwise, even for root
  if (output === 'json') return nodesFromSinfoJson((await cli.run('sinfo', ['--all', '--json'], options)).stdout)
  return nodesFromScontrol((await cli.run('scontrol', ['--all', 'show', 'node', '-d', '-o'], options)).stdout)
}
