/** What the CLI prints: aligned tables for people, JSON for scripts. */

export type Cell = string | number | boolean | undefined | null

export function formatTable (headers: string[], rows: Cell[][]): string {
  const text = rows.map(r => r.map(c => c == null ? '-' : String(c)))
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map(r => (r[i] ?? '').length)))
  const line = (cells: string[]): string => cells.map((c, i) => i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)).join('  ')
  return [line(headers), ...text.map(line)].join('\n')
}

/** `Key: value` lines with the keys aligned; an empty key continues the line above. */
export function formatFields (fields: Array<[string, Cell]>): string {
  const width = Math.max(...fields.map(([k]) => k.length))
  return fields.map(([k, v]) => `${(k === '' ? '' : k + ':').padEnd(width + 1)} ${v == null ? '-' : String(v)}`).join('\n')
}

export function printJson (value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

export function formatDuration (seconds: number): string {
  const s = Math.floor(seconds)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
}
