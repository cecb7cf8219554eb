/** A reservation taken when a quote is sent; it lapses at the quote's expiry. */
export interface Hold {
  id: string
  pool: string
  gpus: number
  /**
   * The device indices reserved, ascending, one per GPU. Empty for a hold
   * of a count only (a Slurm pool) or one stored before devices were
   * recorded: its gpus still count as taken.
   */
  devices: number[]
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
  /**
   * The device indices of the lease, ascending, one per GPU: its hold's.
   * Empty for a lease stored before devices were recorded; while it is live
   * its gpus count as taken from the pool's free devices.
   */
  devices: number[]
  /** ms since the epoch */
  start: number
  end: number
  status: LeaseStatus
  /** When it stopped holding capacity (release or expiry). */
  endedAt?: number
  /** Why the provider ended it, when the consumer did not (its Slurm allocation vanished …). */
  reason?: string
  data?: unknown
}

/** Capacity of one pool at one instant. */
export interface PoolUsage {
  pool: string
  /** The pool's devices. */
  total: number
  /** GPUs of live holds and leases; above total only after the pool shrank under them. */
  held: number
  leased: number
  /**
   * The pool's devices in no live hold or lease, less the GPUs of live entries
   * stored without devices: what a new hold can get. Never negative.
   */
  free: number
}
