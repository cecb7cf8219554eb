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

/** What `--json` prints for a command that failed: the JSON-RPC error's own code and data when the daemon refused, else a `CPNET_*` name. */
export interface JsonError {
  error: { code: number | string, message: string, data?: unknown }
}

/** Codes of the failures that happen before or without a daemon's answer. */
export const CLI_ERROR_CODES = {
  /** A command line commander or an argument parser refused. */
  usage: 'CPNET_USAGE',
  /** Any other failure without a code of its own. */
  other: 'CPNET_ERROR'
} as const

/** Client-side errors that have a name but no code (matched on `name`, as src/errors.ts says). */
const CODE_BY_NAME: Record<string, string> = {
  NoDaemonError: 'CPNET_NO_DAEMON',
  RpcUnreachableError: 'CPNET_UNREACHABLE'
}

export function jsonError (err: unknown): JsonError {
  const e = err as { code?: unknown, data?: unknown, message?: unknown, name?: unknown }
  const code = typeof e.code === 'number' || (typeof e.code === 'string' && e.code.startsWith('CPNET_'))
    ? e.code
    : CODE_BY_NAME[String(e.name)] ?? CLI_ERROR_CODES.other
  const message = typeof e.message === 'string' ? e.message : String(err)
  return { error: { code, message, ...(e.data !== undefined ? { data: e.data } : {}) } }
}

export function formatDuration (seconds: number): string {
  const s = Math.floor(seconds)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
}
