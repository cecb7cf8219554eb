/** What the CLI prints: aligned tables for people, JSON for scripts. */

export type Cell = string | number | boolean | undefined | null

/** Tables for people fit this many columns; `--wide` lifts the limit and shows every identifier in full. */
export const TABLE_COLUMNS = 80
const COLUMN_GAP = '  '

/** Characters kept at each end of a PeerId shown short: `12D3…Jabc`. */
const PEER_ID_ENDS = 4
const SHORT_PEER_ID_CHARS = PEER_ID_ENDS * 2 + 1

/** The fewest characters a cut text cell keeps (`NVIDIA H100…`). */
export const TEXT_MIN_WIDTH = 12
/** A short CPI is cut in its pool only: the PeerId's ends, the slash and the pool's first characters stay. */
export const CPI_MIN_WIDTH = SHORT_PEER_ID_CHARS + 1 + 4

export interface TableOptions {
  /** Cut the cuttable columns (with …) until a line fits; absent: no limit. */
  maxWidth?: number
  /**
   * The columns that may be cut, by index, each with the fewest characters
   * it keeps (never fewer than its header's). Only text is cut (a model, a
   * class, an address, a CPI's pool): numbers, amounts, status, times and
   * ids never are, so a table whose other columns are too wide stays wider.
   */
  cut?: Record<number, number>
}

export function formatTable (headers: string[], rows: Cell[][], options: TableOptions = {}): string {
  const text = rows.map(r => r.map(c => c == null ? '-' : String(c)))
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map(r => (r[i] ?? '').length)))
  if (options.maxWidth != null) fitWidths(widths, headers, options.maxWidth, options.cut ?? {})
  const cut = (c: string, w: number): string => c.length > w ? c.slice(0, w - 1) + '…' : c
  const line = (cells: string[]): string => cells.map((c, i) => {
    const w = widths[i] ?? 0
    return i === cells.length - 1 ? cut(c, w) : cut(c, w).padEnd(w)
  }).join(COLUMN_GAP)
  return [line(headers), ...text.map(line)].join('\n')
}

/** Narrows the widest cuttable column, one character at a time, until the line fits or none can give more. */
function fitWidths (widths: number[], headers: string[], maxWidth: number, cuttable: Record<number, number>): void {
  const total = (): number => widths.reduce((a, b) => a + b, 0) + COLUMN_GAP.length * (widths.length - 1)
  while (total() > maxWidth) {
    let widest = -1
    widths.forEach((w, i) => {
      const min = cuttable[i]
      if (min == null) return
      const floor = Math.max(min, headers[i]?.length ?? 0)
      if (w > floor && (widest === -1 || w > (widths[widest] ?? 0))) widest = i
    })
    if (widest === -1) return
    widths[widest] = (widths[widest] ?? 0) - 1
  }
}

/** How a table is drawn: `--wide` shows identifiers in full and lets lines be as long as they are. */
export interface RenderOptions {
  wide?: boolean
}

/** The table's options: within 80 columns, cutting only the columns in `cut`; no limit with --wide. */
export function tableOptions (render: RenderOptions, cut: Record<number, number> = {}): TableOptions {
  return render.wide === true ? {} : { maxWidth: TABLE_COLUMNS, cut }
}

/** `12D3KooW…(52)…Jabc` → `12D3…Jabc` in tables; in full with --wide (and always in --json). */
export function shortPeerId (peerId: string, render: RenderOptions = {}): string {
  if (render.wide === true || peerId.length <= SHORT_PEER_ID_CHARS) return peerId
  return `${peerId.slice(0, PEER_ID_ENDS)}…${peerId.slice(-PEER_ID_ENDS)}`
}

/** `cpi:12D3KooW…Jabc/gpu-a` → `12D3…Jabc/gpu-a` in tables; the full CPI with --wide (and always in --json). */
export function shortCpi (cpi: string, render: RenderOptions = {}): string {
  if (render.wide === true) return cpi
  const m = /^cpi:([^/]+)\/(.+)$/.exec(cpi)
  if (m == null) return cpi
  const [, peerId = '', pool = ''] = m
  return `${shortPeerId(peerId)}/${pool}`
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

export function jsonError (err: unknown): JsonError {
  const e = err as { code?: unknown, data?: unknown, message?: unknown }
  const code = typeof e.code === 'number' || (typeof e.code === 'string' && e.code.startsWith('CPNET_'))
    ? e.code
    : CLI_ERROR_CODES.other
  const message = typeof e.message === 'string' ? e.message : String(err)
  return { error: { code, message, ...(e.data !== undefined ? { data: e.data } : {}) } }
}

/** 45s, 29m5s, 5h29m, 6d5h: the two largest units. */
export function formatDuration (seconds: number): string {
  const s = Math.floor(seconds)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`
  if (s < 86_400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600)}h`
}

/** A leased device as a person reads it: `1`, `1 (GPU-5d1c…)`, or a cluster node's `n1:0`. */
export function deviceLabel (d: { index: number, uuid?: string, node?: string }): string {
  const at = d.node != null ? `${d.node}:${d.index}` : String(d.index)
  return d.uuid != null ? `${at} (${d.uuid})` : at
}
