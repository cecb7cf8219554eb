/**
 * Price history in the node's LevelDB, with bounded retention. Two sublevels
 * written in one batch: `price-history` keyed cpi!issuedAt!seq (a CPI's
 * updates in time order, for prices_history) and `price-history-time` keyed
 * issuedAt!cpi!seq (everything in time order, so that age pruning deletes
 * from the front without a scan). Numbers are zero-padded to 16 digits, which
 * holds every safe integer, so text order is numeric order.
 *
 * Only changes are kept: a heartbeat that repeats the CPI's last recorded
 * price, free and total GPUs is not written. Per CPI at most `maxPerCpi`
 * entries (the oldest go first, on write); entries older than `maxAgeMs` are
 * dropped every HISTORY_PRUNE_INTERVAL_MS.
 */
import type { Logger } from '../log/logger.ts'
import type { NodeDb } from '../host/db.ts'
import { stringSublevel, type StringSublevel } from '../host/db.ts'
import { BOOK_MAX_ENTRIES, HISTORY_PRUNE_INTERVAL_MS } from './constants.ts'
import type { PriceView } from './view.ts'

const BY_CPI = 'price-history'
const BY_TIME = 'price-history-time'
const SEP = '!'
/** The character after SEP: the upper bound of a `<prefix>!` range. */
const AFTER_SEP = '"'
const DIGITS = 16
/** Keys deleted per batch while pruning. */
const PRUNE_CHUNK = 500

function pad (n: number): string {
  return String(n).padStart(DIGITS, '0')
}

/** The values whose change is worth a history entry. */
function essence (view: PriceView): string {
  return `${view.price.microsPerGpuHour} ${view.price.currency} ${view.availableGpus}/${view.totalGpus} ${view.withdrawn}`
}

interface CpiState {
  count: number
  last?: string
}

export interface HistoryQuery {
  cpi: string
  /** Unix ms, inclusive; default 0. */
  since?: number
  /** Unix ms, inclusive; default now. */
  until?: number
  limit: number
}

export interface HistoryPage {
  updates: PriceView[]
  /** More entries match than `limit`: ask again from the last one's issuedAt + 1. */
  more: boolean
}

export interface PriceHistoryInit {
  db: NodeDb
  logger: Logger
  maxAgeMs: number
  maxPerCpi: number
}

export class PriceHistory {
  private readonly init: PriceHistoryInit
  private readonly log: Logger
  private readonly byCpi: StringSublevel
  private readonly byTime: StringSublevel
  /** Count and last recorded values per CPI, loaded on first touch; bounded like the book. */
  private readonly states = new Map<string, CpiState>()
  /** Writes and prunes, one at a time, so counts stay exact. */
  private queue: Promise<void> = Promise.resolve()
  private timer?: NodeJS.Timeout

  constructor (init: PriceHistoryInit) {
    this.init = init
    this.log = init.logger.forComponent('cpnet:pricing:history')
    this.byCpi = stringSublevel(init.db, BY_CPI)
    this.byTime = stringSublevel(init.db, BY_TIME)
  }

  start (): void {
    if (this.timer != null) return
    this.enqueue(async () => this.pruneOld(Date.now()))
    this.timer = setInterval(() => { this.enqueue(async () => this.pruneOld(Date.now())) }, HISTORY_PRUNE_INTERVAL_MS)
    this.timer.unref()
  }

  /** Stops pruning and waits for pending writes. */
  async stop (): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.queue
  }

  /** Records an update (in the background; `settled()` waits for it). */
  record (view: PriceView): void {
    this.enqueue(async () => this.write(view))
  }

  /** Resolves once every record and prune queued so far is done. */
  async settled (): Promise<void> {
    await this.queue
  }

  async query (q: HistoryQuery): Promise<HistoryPage> {
    await this.settled()
    const since = q.since ?? 0
    const until = q.until ?? Date.now()
    const updates: PriceView[] = []
    if (until < since) return { updates, more: false }
    let more = false
    for await (const value of this.byCpi.values({ gte: `${q.cpi}${SEP}${pad(since)}`, lt: `${q.cpi}${SEP}${pad(until + 1)}`, limit: q.limit + 1 })) {
      if (updates.length === q.limit) {
        more = true
        break
      }
      updates.push(JSON.parse(value) as PriceView)
    }
    return { updates, more }
  }

  private enqueue (job: () => Promise<void>): void {
    this.queue = this.queue.then(job).catch(err => {
      this.log.warn('price history write failed', { error: (err as Error).message })
    })
  }

  private async write (view: PriceView): Promise<void> {
    const state = await this.state(view.cpi)
    const values = essence(view)
    if (state.last === values) return
    const tail = `${pad(view.issuedAt)}${SEP}`
    // the sublevels' own (utf8) encodings apply to their operations
    await this.init.db.batch<string, string>([
      { type: 'put', sublevel: this.byCpi, key: `${view.cpi}${SEP}${tail}${pad(view.seq)}`, value: JSON.stringify(view) },
      { type: 'put', sublevel: this.byTime, key: `${tail}${view.cpi}${SEP}${pad(view.seq)}`, value: '' }
    ], {})
    state.count++
    state.last = values
    if (state.count > this.init.maxPerCpi) await this.dropOldest(view.cpi, state, state.count - this.init.maxPerCpi)
  }

  private async dropOldest (cpi: string, state: CpiState, excess: number): Promise<void> {
    const keys = await this.byCpi.keys({ gt: `${cpi}${SEP}`, lt: `${cpi}${AFTER_SEP}`, limit: excess }).all()
    await this.init.db.batch<string, string>(keys.flatMap(key => {
      const [issuedAt, seq] = key.slice(cpi.length + 1).split(SEP)
      return [
        { type: 'del' as const, sublevel: this.byCpi, key },
        { type: 'del' as const, sublevel: this.byTime, key: `${issuedAt ?? ''}${SEP}${cpi}${SEP}${seq ?? ''}` }
      ]
    }), {})
    state.count -= keys.length
  }

  private async pruneOld (now: number): Promise<void> {
    const cutoff = pad(now - this.init.maxAgeMs)
    let dropped = 0
    for (;;) {
      const keys = await this.byTime.keys({ lt: cutoff, limit: PRUNE_CHUNK }).all()
      if (keys.length === 0) break
      await this.init.db.batch<string, string>(keys.flatMap(key => {
        const [issuedAt, cpi, seq] = splitTimeKey(key)
        const state = this.states.get(cpi)
        if (state != null) {
          state.count--
          // the next update is recorded even if unchanged: a live price keeps some history
          state.last = undefined
        }
        return [
          { type: 'del' as const, sublevel: this.byTime, key },
          { type: 'del' as const, sublevel: this.byCpi, key: `${cpi}${SEP}${issuedAt}${SEP}${seq}` }
        ]
      }), {})
      dropped += keys.length
    }
    if (dropped > 0) this.log.debug('pruned old price history', { dropped })
  }

  private async state (cpi: string): Promise<CpiState> {
    const held = this.states.get(cpi)
    if (held != null) return held
    const range = { gt: `${cpi}${SEP}`, lt: `${cpi}${AFTER_SEP}` }
    const count = (await this.byCpi.keys(range).all()).length
    const [newest] = await this.byCpi.values({ ...range, reverse: true, limit: 1 }).all()
    const state: CpiState = { count, last: newest != null ? essence(JSON.parse(newest) as PriceView) : undefined }
    this.states.set(cpi, state)
    if (this.states.size > BOOK_MAX_ENTRIES) {
      const oldest = this.states.keys().next().value
      if (oldest !== undefined) this.states.delete(oldest)
    }
    return state
  }
}

/** issuedAt!cpi!seq → its three parts (a CPI contains no `!`). */
function splitTimeKey (key: string): [string, string, string] {
  const first = key.indexOf(SEP)
  const last = key.lastIndexOf(SEP)
  return [key.slice(0, first), key.slice(first + 1, last), key.slice(last + 1)]
}
