/** Parsers for command-line values; a bad value is one line naming it. */

export function positiveInt (value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new Error(`not a positive integer: ${value}`)
  return n
}

/** Unix ms, or anything Date.parse reads (2026-11-28T12:00:00Z). */
export function unixMs (value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a time (unix ms or an ISO date): ${value}`)
  return n
}

const SECONDS_PER: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/** `90`, `90s`, `30m`, `2h`, `1d` → seconds. */
export function parseDuration (text: string): number {
  const m = /^\s*(\d+)\s*([smhd]?)\s*$/.exec(text)
  if (m == null) throw new Error(`not a duration: "${text}" (e.g. 600, 30m, 2h, 1d)`)
  return Number(m[1]) * (SECONDS_PER[m[2] === '' ? 's' : m[2] as string] as number)
}

export function formatTime (ms: number | undefined): string {
  return ms == null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z'
}
