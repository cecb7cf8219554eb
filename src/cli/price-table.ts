/**
 * What `cpnet prices watch` shows: the live prices that match its filter,
 * kept up to date from notifications (last value wins by seq; `matches:
 * false` drops the row), rows past their expiry left out, drawn as a table.
 */
import type { PriceNotification } from '../pricing/subscriptions.ts'
import type { PriceView } from '../pricing/view.ts'
import { formatTableTime } from './args.ts'
import { CPI_MIN_WIDTH, formatTable, shortCpi, tableOptions, TEXT_MIN_WIDTH, type RenderOptions } from './output.ts'
import { formatAmount } from '../units/price.ts'

export class LivePrices {
  private readonly rows = new Map<string, PriceView>()
  /** Highest seq seen per CPI, rows dropped included, so that a late older update cannot bring one back. */
  private readonly seqs = new Map<string, number>()

  /** Applies an update; false when it is older than what the table has. */
  apply (update: PriceNotification): boolean {
    if ((this.seqs.get(update.cpi) ?? -1) >= update.seq) return false
    this.seqs.set(update.cpi, update.seq)
    const { matches, ...view } = update
    if (matches) this.rows.set(update.cpi, view)
    else this.rows.delete(update.cpi)
    return true
  }

  /** Unexpired rows, cheapest first. */
  list (now = Date.now()): PriceView[] {
    return [...this.rows.values()]
      .filter(v => v.expiresAt > now)
      .sort((a, b) => a.price.microsPerGpuHour - b.price.microsPerGpuHour || a.cpi.localeCompare(b.cpi))
  }
}

/** A CPI's price as the watch last saw it, and when it last changed (0: never, while watched). */
export interface PriceChange {
  micros: number
  previous?: number
  at: number
}

/** ESC[7m … ESC[27m: reverse video, for a row whose price just changed. */
const HIGHLIGHT_ON = '\x1b[7m'
const HIGHLIGHT_OFF = '\x1b[27m'

/**
 * Live prices show their age; history shows when each was issued. The CPI
 * last, short unless --wide: on a narrow terminal the redrawn table is cut
 * at the right edge. Rows in `changed` (the watch's recent changes) get an
 * arrow by the price and are drawn in reverse video.
 */
export function renderPrices (views: PriceView[], time: 'age' | 'issued' = 'age', now = Date.now(), render: RenderOptions = {}, changed?: Map<string, PriceChange>): string {
  if (views.length === 0) return time === 'age' ? 'no live prices' : 'no recorded prices'
  const mark = (v: PriceView): string => {
    const c = changed?.get(v.cpi)
    if (c?.previous == null) return ''
    return c.previous < v.price.microsPerGpuHour ? ' ▲' : ' ▼'
  }
  const table = formatTable(['CLASS', 'REGION', 'FREE/TOTAL', 'PRICE/GPU-H', time === 'age' ? 'AGE' : 'ISSUED', 'CPI'], views.map(v => [
    v.class,
    v.region,
    `${v.availableGpus}/${v.totalGpus}`,
    formatAmount(v.price.microsPerGpuHour, v.price.currency) + mark(v),
    time === 'age' ? `${Math.max(0, Math.round((now - v.issuedAt) / 1000))}s` : formatTableTime(v.issuedAt, render.wide),
    shortCpi(v.cpi, render)
  ]), tableOptions(render, { 0: TEXT_MIN_WIDTH, 5: CPI_MIN_WIDTH }))
  if (changed == null) return table
  const [header = '', ...rows] = table.split('\n')
  return [header, ...rows.map((row, i) => {
    const v = views[i]
    return v != null && changed.get(v.cpi)?.previous != null ? HIGHLIGHT_ON + row + HIGHLIGHT_OFF : row
  })].join('\n')
}
