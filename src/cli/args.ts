/**
 * Parsers for command-line values, one per kind, used as commander option
 * parsers: a bad value is refused before the command runs, with one line
 * naming the option (InvalidArgumentError) and what it accepts.
 */
import { InvalidArgumentError } from 'commander'
import { formatDuration } from './output.ts'

/** 1, 2, …: GPUs, limits. */
export function positiveInt (value: string): number {
  const n = count(value)
  if (n <= 0) throw new InvalidArgumentError(`not a positive integer: ${value}`)
  return n
}

/** 0, 1, 2, …: nodes, cores, GiB. */
export function count (value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`not a whole number: ${value}`)
  return n
}

const MS_PER: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 }
const UNIT_ORDER = ['d', 'h', 'm', 's', 'ms']
const DURATION_HELP = 'e.g. 90s, 10m, 1h30m, 2d, 500ms; a bare number is seconds'

/**
 * The one duration syntax of every option: `90` (seconds), `90s`, `10m`,
 * `1h30m`, `2d`, `500ms`; units largest first, each once → milliseconds, above 0.
 */
export function durationMs (text: string): number {
  const t = text.trim()
  const ms = /^\d+$/.test(t) ? Number(t) * MS_PER.s! : unitsMs(t, text)
  if (!(ms > 0) || !Number.isSafeInteger(ms)) throw new InvalidArgumentError(`not a duration above 0: "${text}" (${DURATION_HELP})`)
  return ms
}

/** `1h30m` → its milliseconds; each unit once, largest first. */
function unitsMs (t: string, text: string): number {
  const refuse = (): never => { throw new InvalidArgumentError(`not a duration: "${text}" (${DURATION_HELP})`) }
  if (t === '') refuse()
  let ms = 0
  let last = -1
  for (let rest = t; rest !== '';) {
    const m = /^(\d+)(ms|d|h|m|s)/.exec(rest)
    const order = m == null ? -1 : UNIT_ORDER.indexOf(m[2] as string)
    if (m == null || order <= last) return refuse()
    ms += Number(m[1]) * MS_PER[m[2] as string]!
    last = order
    rest = rest.slice(m[0].length)
  }
  return ms
}

/** A duration in whole seconds, for what is signed in seconds (lease terms). */
export function durationSec (text: string): number {
  const ms = durationMs(text)
  if (ms % MS_PER.s! !== 0) throw new InvalidArgumentError(`not a whole number of seconds: "${text}" (e.g. 90s, 10m, 1h30m)`)
  return ms / MS_PER.s!
}

/**
 * A point in time: unix ms, anything Date.parse reads (2026-11-28T12:00:00Z),
 * or a duration with its unit meaning that long ago (`10m`, `1h30m`).
 */
export function timeArg (value: string, now = Date.now()): number {
  const t = value.trim()
  if (/^\d+$/.test(t)) return Number(t)
  if (/^\d+(ms|d|h|m|s)/.test(t)) return now - durationMs(t)
  const n = Date.parse(t)
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`not a time: "${value}" (unix ms, an ISO date like 2026-11-28T12:00:00Z, or how long ago, like 10m or 1h30m)`)
  return n
}

export const MIB_PER_GIB = 1024
/** Below this a GPU's memory is surely a typo (or MiB written as GiB the other way round). */
const MIN_GPU_MEMORY_GIB = 1
/** Above this a bare number is surely MiB written without its unit. */
const MAX_GPU_MEMORY_GIB = 2048
const MEMORY_UNIT_MIB: Record<string, number> = { gib: MIB_PER_GIB, mib: 1 }

/** Memory of one GPU: GiB like --ram, --disk and the gpu_mem filter (`80`), or with a unit (`80GiB`, `81559MiB`) → MiB. */
export function gpuMemoryMib (value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(GiB|MiB)?$/i.exec(value.trim())
  if (m == null) throw new InvalidArgumentError(`not a memory size: "${value}" (GiB, like 80, or with a unit: 80GiB, 81559MiB)`)
  const mib = Math.round(Number(m[1]) * MEMORY_UNIT_MIB[(m[2] ?? 'gib').toLowerCase()]!)
  if (mib < MIN_GPU_MEMORY_GIB * MIB_PER_GIB) {
    throw new InvalidArgumentError(`${value} is less than ${MIN_GPU_MEMORY_GIB} GiB per GPU (a number without a unit is GiB: 80 or 80GiB, or 81559MiB)`)
  }
  if (mib > MAX_GPU_MEMORY_GIB * MIB_PER_GIB) {
    throw new InvalidArgumentError(`${value} is more than ${MAX_GPU_MEMORY_GIB} GiB per GPU (a number without a unit is GiB; for MiB write ${m[1]}MiB)`)
  }
  return mib
}

export function formatTime (ms: number | undefined): string {
  return ms == null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z'
}

/** A time in a table cell: `12-01 20:43Z` (UTC, to the minute); formatTime with --wide. */
export function formatTableTime (ms: number | undefined, wide = false): string {
  if (wide || ms == null) return formatTime(ms)
  return new Date(ms).toISOString().slice(5, 16).replace('T', ' ') + 'Z'
}

/** A time in a table cell as how far it is from `now`: `in 29m10s`, `3m2s ago` (formatDuration); formatTime with --wide. */
export function formatTableTimeFrom (ms: number | undefined, now: number, wide = false): string {
  if (wide || ms == null) return formatTime(ms)
  const sec = (ms - now) / 1000
  return sec >= 0 ? `in ${formatDuration(sec)}` : `${formatDuration(-sec)} ago`
}
