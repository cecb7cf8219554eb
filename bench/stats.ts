/** Percentiles and table printing for benchmark results. */

/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
export function percentile (samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] as number
}

export interface Summary {
  n: number
  p50: number
  p99: number
}

export function summarize (samples: number[]): Summary {
  return { n: samples.length, p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)) }
}

export function round (value: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

export function printTable (headers: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map(r => r.map(String))
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map(r => (r[i] ?? '').length)))
  const line = (r: string[]): string => r.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ')
  return [line(headers), line(widths.map(w => '-'.repeat(w))), ...cells.map(line)].join('\n')
}
