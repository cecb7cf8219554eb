/**
 * Free GPUs per pool. The ledger (leases and holds) will be the single writer
 * of capacity; until it exists every GPU of a pool is free. Discovery reads
 * capacity only through this interface and re-publishes a pool's offer when
 * `onChange` fires for it.
 */
import type { Pool } from './pool.ts'

export type CapacityListener = (pool: string) => void

export interface CapacitySource {
  /** GPUs of the pool that can be leased now; the caller clamps it to [0, pool.gpus]. */
  available: (pool: Pool) => number
  /** Subscribes to availability changes; returns the unsubscribe function. */
  onChange: (listener: CapacityListener) => () => void
}

/** Every GPU is free and nothing ever changes. */
export class FullCapacity implements CapacitySource {
  available (pool: Pool): number {
    return pool.gpus
  }

  onChange (): () => void {
    return () => {}
  }
}
