/**
 * The price book: the newest verified update per CPI, last value wins by seq.
 * It also remembers the last seq of CPIs whose update expired or was a
 * withdrawal, so that a replay of an older update is refused after them too.
 * Bounded: the least recently updated CPIs go first. Listeners hear every
 * update the book admits, withdrawals included; expiry is silent.
 */
import { BOOK_MAX_ENTRIES } from './constants.ts'
import type { VerifiedPriceUpdate } from './message.ts'

export type BookListener = (update: VerifiedPriceUpdate) => void

interface Entry {
  seq: number
  /** Dropped once expired; the seq stays. */
  update?: VerifiedPriceUpdate
}

export class PriceBook {
  private readonly entries = new Map<string, Entry>()
  private readonly listeners = new Set<BookListener>()
  private readonly maxEntries: number

  constructor (maxEntries = BOOK_MAX_ENTRIES) {
    this.maxEntries = maxEntries
  }

  /** The highest seq admitted for `cpi`, while the book remembers it. */
  lastSeq (cpi: string): number | undefined {
    return this.entries.get(cpi)?.seq
  }

  /**
   * Keeps the update when its seq is above every seq admitted for its CPI,
   * and tells the listeners. False (nothing changes) for an older or equal seq.
   */
  admit (update: VerifiedPriceUpdate): boolean {
    const cpi = update.update.cpi
    const held = this.entries.get(cpi)
    if (held != null && held.seq >= update.seq) return false
    this.entries.delete(cpi)
    this.entries.set(cpi, { seq: update.seq, update })
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
    for (const listener of this.listeners) listener(update)
    return true
  }

  /** The newest unexpired update of `cpi`, a withdrawal included. */
  newest (cpi: string, now = Date.now()): VerifiedPriceUpdate | undefined {
    const update = this.entries.get(cpi)?.update
    return update != null && update.expiresAt > now ? update : undefined
  }

  /** The live price of `cpi`: its newest update, unless expired or a withdrawal. */
  get (cpi: string, now = Date.now()): VerifiedPriceUpdate | undefined {
    const update = this.newest(cpi, now)
    return update?.update.withdrawn === false ? update : undefined
  }

  /** Every live price. */
  list (now = Date.now()): VerifiedPriceUpdate[] {
    const live: VerifiedPriceUpdate[] = []
    for (const { update } of this.entries.values()) {
      if (update != null && !update.update.withdrawn && update.expiresAt > now) live.push(update)
    }
    return live
  }

  /** Drops expired updates (their seq stays); returns how many. */
  sweep (now = Date.now()): number {
    let dropped = 0
    for (const entry of this.entries.values()) {
      if (entry.update != null && entry.update.expiresAt <= now) {
        entry.update = undefined
        dropped++
      }
    }
    return dropped
  }

  onUpdate (listener: BookListener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }
}
