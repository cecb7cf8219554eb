/**
 * Offer seq numbers, persisted per CPI in node.db. The next seq is
 * max(stored + 1, now in ms): it rises across restarts, and keeps rising even
 * when the database is lost (the clock carries it), as long as the clock does
 * not go back by more than the time since the last offer.
 */
import type { NodeDb } from '../node/db.ts'
import { stringSublevel, type StringSublevel } from '../node/db.ts'

const SUBLEVEL = 'offer-seq'

export class SeqStore {
  private readonly db: StringSublevel
  /** One allocation at a time per CPI, so two publications never share a seq. */
  private readonly pending = new Map<string, Promise<number>>()

  constructor (db: NodeDb) {
    this.db = stringSublevel(db, SUBLEVEL)
  }

  async next (cpi: string, now = Date.now()): Promise<number> {
    const previous = this.pending.get(cpi) ?? Promise.resolve(0)
    const allocation = previous.catch(() => 0).then(async () => {
      const stored = Number(await this.db.get(cpi) ?? 0)
      const seq = Math.max(stored + 1, now)
      await this.db.put(cpi, String(seq))
      return seq
    })
    this.pending.set(cpi, allocation)
    try {
      return await allocation
    } finally {
      if (this.pending.get(cpi) === allocation) this.pending.delete(cpi)
    }
  }
}
