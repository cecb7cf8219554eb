/**
 * Seq numbers per CPI, persisted in node.db: one counter per CPI for offers
 * and price updates alike, so that an offer and a price update never disagree
 * about which is newer. The next seq is max(last + 1, now in ms): it rises
 * across restarts, and keeps rising even when the database is lost (the clock
 * carries it), as long as the clock does not go back by more than the time
 * since the last allocation.
 *
 * Because the clock carries it, the value is written behind: an allocation
 * waits for the CPI's first read from the database, never for a write, so a
 * price change is not held up by disk I/O. Writes go out one per CPI at a
 * time, the latest value last; a crash can lose the last of them, and the next
 * start still allocates above what was handed out (a restart takes far longer
 * than the few ms a burst of allocations can run ahead of the clock).
 */
import type { Startable } from '@libp2p/interface'
import type { Logger } from '../log/logger.ts'
import { stringSublevel, type NodeDb, type StringSublevel } from '../host/db.ts'

const SUBLEVEL = 'offer-seq'

export interface SeqStoreComponents {
  db: NodeDb
  logger: Logger
}

export class SeqStore implements Startable {
  private readonly db: StringSublevel
  private readonly log: Logger
  /** The last seq handed out per CPI (this node's own CPIs, so a few). */
  private readonly last = new Map<string, number>()
  private readonly loading = new Map<string, Promise<number>>()
  private readonly writing = new Map<string, Promise<void>>()
  /** CPIs allocated again while their write was in flight. */
  private readonly dirty = new Set<string>()

  constructor (components: SeqStoreComponents) {
    this.db = stringSublevel(components.db, SUBLEVEL)
    this.log = components.logger.forComponent('cpnet:discovery:seq')
  }

  /** Nothing to load: a CPI's last value is read at its first allocation. */
  start (): void {}

  async next (cpi: string, now = Date.now()): Promise<number> {
    if (!this.last.has(cpi)) await this.load(cpi)
    // no await from here on: two allocations can never see the same last value
    const seq = Math.max((this.last.get(cpi) ?? 0) + 1, now)
    this.last.set(cpi, seq)
    this.persist(cpi)
    return seq
  }

  /** Resolves once every value handed out so far is written (before the database closes). */
  async stop (): Promise<void> {
    while (this.writing.size > 0) await Promise.allSettled([...this.writing.values()])
  }

  private async load (cpi: string): Promise<number> {
    let loading = this.loading.get(cpi)
    if (loading == null) {
      loading = this.db.get(cpi).then(stored => {
        const value = Math.max(this.last.get(cpi) ?? 0, Number(stored ?? 0))
        this.last.set(cpi, value)
        return value
      }).finally(() => { this.loading.delete(cpi) })
      this.loading.set(cpi, loading)
    }
    return loading
  }

  private persist (cpi: string): void {
    if (this.writing.has(cpi)) {
      this.dirty.add(cpi)
      return
    }
    const write = async (): Promise<void> => {
      do {
        this.dirty.delete(cpi)
        await this.db.put(cpi, String(this.last.get(cpi)))
      } while (this.dirty.has(cpi))
    }
    this.writing.set(cpi, write()
      .catch(err => { this.log.warn('seq not persisted; the clock still carries it', { cpi, error: (err as Error).message }) })
      .finally(() => { this.writing.delete(cpi) }))
  }
}
