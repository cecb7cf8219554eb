/** A CapacitySource a test drives by hand, standing in for the ledger: set a pool's free GPUs, listeners hear it. */
import type { CapacityListener, CapacitySource } from '../../src/inventory/capacity.ts'
import type { Pool } from '../../src/inventory/pool.ts'

export class ManualCapacity implements CapacitySource {
  private readonly free = new Map<string, number>()
  private readonly listeners = new Set<CapacityListener>()

  available (pool: Pool): number {
    return this.free.get(pool.name) ?? pool.gpus
  }

  onChange (listener: CapacityListener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  set (pool: string, free: number): void {
    this.free.set(pool, free)
    for (const listener of this.listeners) listener(pool)
  }
}
