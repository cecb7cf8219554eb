/**
 * Slurm's GRES strings, as sinfo, scontrol and squeue print them:
 * `gpu:tesla:4(S:0-1)`, `gpu:2`, `gpu:a100:2(IDX:0,2),gpu:v100:1(IDX:3)`,
 * `gpu:tesla:0(IDX:N/A)`. Only GPUs matter to cpnet; other GRES are skipped.
 */
import { splitOutside } from './lists.ts'

/** One GRES entry of a node or job. */
export interface Gres {
  name: string
  /** The GRES type (`tesla`, `a100` …); undefined where the entry has none. */
  type?: string
  count: number
  /** Device indices on the node, where Slurm printed them (IDX:…). */
  indices?: number[]
}

/** `0-2,5` → [0, 1, 2, 5]; undefined for N/A or anything else. */
function parseIndexList (text: string): number[] | undefined {
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(text)) return undefined
  const out: number[] = []
  for (const part of text.split(',')) {
    const [from, to] = part.split('-').map(Number) as [number, number | undefined]
    for (let i = from; i <= (to ?? from); i++) out.push(i)
  }
  return out
}

/** Parses a GRES list; an entry it cannot read is skipped, never guessed at. */
export function parseGres (text: string | undefined): Gres[] {
  if (text == null) return []
  const out: Gres[] = []
  for (const entry of splitOutside(text, '(', ')').filter(e => e !== 'N/A')) {
    const open = entry.indexOf('(')
    const head = open < 0 ? entry : entry.slice(0, open)
    const detail = open < 0 ? '' : entry.slice(open + 1, entry.lastIndexOf(')') < 0 ? undefined : entry.lastIndexOf(')'))
    // `gres:gpu:2` (squeue's tres_per_node) names the kind first
    const parts = head.replace(/^gres[:/]/, '').split(':')
    const last = parts.at(-1) ?? ''
    const hasCount = /^\d+$/.test(last)
    const name = parts[0] ?? ''
    const type = (hasCount ? parts.slice(1, -1) : parts.slice(1)).join(':') || undefined
    if (name === '') continue
    const idx = /IDX:([0-9,-]+)/.exec(detail)?.[1]
    const indices = idx == null ? undefined : parseIndexList(idx)
    out.push({ name, ...(type != null ? { type } : {}), count: hasCount ? Number(last) : 1, ...(indices != null ? { indices } : {}) })
  }
  return out
}

/** The GPUs among `gres`, of one type when given. */
export function gpusOf (gres: readonly Gres[], type?: string): Gres[] {
  return gres.filter(g => g.name === 'gpu' && (type == null || g.type === type))
}

/** How many GPUs `gres` has (of one type when given). */
export function gpuCount (gres: readonly Gres[], type?: string): number {
  return gpusOf(gres, type).reduce((sum, g) => sum + g.count, 0)
}
