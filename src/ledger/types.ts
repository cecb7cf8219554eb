/** A reservation taken when a quote is sent; it lapses at the quote's expiry. */
export interface Hold {
  id: string
  pool: string
  gpus: number
  /** ms since the epoch */
  expiresAt: number
}

export type LeaseStatus = 'active' | 'released' | 'expired'

/**
 * A lease as the ledger keeps it. `data` is what the lease protocol stores with
 * it (the co-signed agreement); the ledger never reads it.
 */
export interface LeaseEntry {
  id: string
  pool: string
  gpus: number
  /** ms since the epoch */
  start: number
  end: number
  status: LeaseStatus
  /** When it stopped holding capacity (release or expiry). */
  endedAt?: number
  data?: unknown
}

/** Capacity of one pool at one instant. held + leased <= total always holds for new reservations. */
export interface PoolUsage {
  pool: string
  total: number
  held: number
  leased: number
  /** max(0, total - held - leased): a pool shrunk below its use shows 0, never negative. */
  free: number
}
