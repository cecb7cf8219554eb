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
