/**
 * Slurm's host lists: `n[1-3,7],gpu-a01` names n1, n2, n3, n7 and gpu-a01;
 * ranges keep their zero padding (`gpu[01-03]`). Slurm prints them in
 * squeue and scontrol; cpnet needs the names one by one.
 */
import { splitOutside } from './lists.ts'

function expandOne (part: string): string[] {
  const open = part.indexOf('[')
  if (open < 0) return [part]
  const close = part.indexOf(']', open)
  if (close < 0) return [part]
  const prefix = part.slice(0, open)
  const rest = expandOne(part.slice(close + 1))
  const out: string[] = []
  for (const range of part.slice(open + 1, close).split(',')) {
    const [from, to] = range.split('-') as [string, string | undefined]
    if (!/^\d+$/.test(from) || (to != null && !/^\d+$/.test(to))) return [part]
    const width = from.length
    for (let i = Number(from); i <= Number(to ?? from); i++) {
      for (const tail of rest) out.push(`${prefix}${String(i).padStart(width, '0')}${tail}`)
    }
  }
  return out
}

/** The host names of a Slurm host list, in its order. */
export function expandHostlist (list: string): string[] {
  return splitOutside(list, '[', ']').flatMap(expandOne)
}
