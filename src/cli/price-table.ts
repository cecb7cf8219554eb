/**
 * What `cpnet prices watch` shows: the live prices that match its filter,
 * kept up to date from notifications (last value wins by seq; `matches:
 * false` drops the row), rows past their expiry left out, drawn as a table.
 */
import type { PriceNotification } from '../pricing/subscriptions.ts'
import type { PriceView } from '../pricing/view.ts'
import { formatTime } from './args.ts'
import { formatTable } from './output.ts'
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

/**
 * Live prices show their age; history shows when each was issued. The CPI
 * last: on a narrow terminal the redrawn table is cut at the right edge, and
 * the identifier is the longest cell.
 */
export function renderPrices (views: PriceView[], time: 'age' | 'issued' = 'age', now = Date.now()): string {
  if (views.length === 0) return time === 'age' ? 'no live prices' : 'no recorded prices'
  return formatTable(['CLASS', 'REGION', 'FREE/TOTAL', 'PRICE/GPU-H', time === 'age' ? 'AGE' : 'ISSUED', 'CPI'], views.map(v => [
    v.class,
    v.region,
    `${v.availableGpus}/${v.totalGpus}`,
    formatAmount(v.price.microsPerGpuHour, v.price.currency),
    time === 'age' ? `${Math.max(0, Math.round((now - v.issuedAt) / 1000))}s` : formatTime(v.issuedAt),
    v.cpi
  ]))
}
