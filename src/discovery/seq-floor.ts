/**
 * The highest seq this node has accepted per CPI. kad-dht overwrites a stored
 * record with any valid one it is sent, so without this a replayed older
 * offer (validly signed, not yet expired) would replace a newer one; the
 * validator refuses a seq below the floor instead. Bounded: the least recently
 * raised entries go first.
 */
import { SEQ_FLOOR_MAX_ENTRIES } from './constants.ts'
import { InvalidOfferError } from './errors.ts'

export class SeqFloor {
  private readonly floors = new Map<string, number>()
  private readonly maxEntries: number

  constructor (maxEntries = SEQ_FLOOR_MAX_ENTRIES) {
    this.maxEntries = maxEntries
  }

  /** Throws when `seq` is below the highest seen for `cpi`; otherwise raises the floor. */
  admit (cpi: string, seq: number): void {
    const floor = this.floors.get(cpi)
    if (floor != null && seq < floor) {
      throw new InvalidOfferError('stale-seq', `seq ${seq} for ${cpi} is older than ${floor}, already seen`)
    }
    if (floor === seq) return
    this.floors.delete(cpi)
    this.floors.set(cpi, seq)
    if (this.floors.size > this.maxEntries) {
      const oldest = this.floors.keys().next().value
      if (oldest != null) this.floors.delete(oldest)
    }
  }
}
