/**
 * What Slurm's commands print in lists, read one way: comma lists whose
 * items may hold commas inside brackets (GRES `gpu:a:2(IDX:0,1)`, host lists
 * `n[1-3,7]`), and the JSON documents of `--json`.
 */
import { SlurmCommandError } from './errors.ts'

/** Splits at the commas outside `open`…`close`, trimmed, leaving out empty items and `(null)`. */
export function splitOutside (text: string, open: string, close: string): string[] {
  const out: string[] = []
  let depth = 0
  let current = ''
  for (const ch of text) {
    if (ch === open) depth++
    else if (ch === close) depth = Math.max(0, depth - 1)
    if (ch === ',' && depth === 0) {
      out.push(current)
      current = ''
    } else {
      current += ch
    }
  }
  out.push(current)
  return out.map(p => p.trim()).filter(p => p !== '' && p !== '(null)')
}

/** The array under `key` of a `--json` document, or SlurmCommandError saying what `command` printed instead. */
export function jsonArray (json: string, command: string, key: string): Array<Record<string, unknown>> {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch (err) {
    throw new SlurmCommandError(`${command} printed something that is not JSON: ${(err as Error).message}`)
  }
  const items = (parsed as Record<string, unknown> | null)?.[key]
  if (!Array.isArray(items)) {
    const err = new SlurmCommandError(`${command} printed no ${key} array (a JSON layout of another Slurm version)`)
    err.unknownShape = true
    throw err
  }
  return items.filter((item): item is Record<string, unknown> => item != null && typeof item === 'object')
}
