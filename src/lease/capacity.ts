/**
 * The ledger as the inventory's capacity source: free GPUs are what the ledger
 * says, and every hold, lease and end it records reaches the publishers of
 * offers and prices through the inventory's change events. PoolSync keeps the
 * ledger's device sets those of the inventory's pools.
 */
import type { Startable } from '@libp2p/interface'
import type { CapacitySource } from '../inventory/capacity.ts'
import { deviceIndices } from '../inventory/devices.ts'
import type { Inventory } from '../inventory/inventory.ts'
import type { Pool } from '../inventory/pool.ts'
import type { Ledger } from '../ledger/ledger.ts'
import type { Logger } from '../log/logger.ts'

export function ledgerCapacity (ledger: Ledger): CapacitySource {
  return {
    available: pool => ledger.usage(pool.name).free,
    onChange: listener => ledger.onChange(event => { if (event.kind !== 'pool') listener(event.pool) })
  }
}

/**
 * The devices the ledger counts for a pool: its own, or for a Slurm pool as
 * many as cpnet may lease (free in Slurm or in cpnet's jobs). A Slurm pool's
 * holds and leases take a count, not devices (Slurm picks the GPUs), so
 * GPUs that another job takes leave the count and the next hold is refused.
 */
function ledgerDevices (pool: Pool): number[] {
  if (pool.slurm != null) return Array.from({ length: pool.slurm.usable }, (_, i) => i)
  return deviceIndices(pool.devices)
}

export interface PoolSyncComponents {
  inventory: Inventory
  ledger: Ledger
  logger: Logger
}

/**
 * Keeps the ledger's pools and their devices equal to the inventory's while it
 * runs (start it after both). Devices that leave a pool under live leases (a
 * GPU gone from nvidia-smi, a pool declared smaller or removed) are logged as
 * a warning naming the leases: their consumers lose those GPUs.
 */
export class PoolSync implements Startable {
  private readonly components: PoolSyncComponents
  private readonly log: Logger
  private unsubscribe?: () => void

  constructor (components: PoolSyncComponents) {
    this.components = components
    this.log = components.logger.forComponent('cpnet:pool-sync')
  }

  start (): void {
    if (this.unsubscribe != null) return
    const { inventory, ledger } = this.components
    for (const pool of inventory.list()) this.sync(pool.name, ledgerDevices(pool))
    this.unsubscribe = inventory.onChange(change => {
      if (change.kind === 'removed') this.sync(change.pool.name, undefined)
      // a Slurm reading's change is a capacity change, and moves the ledger's count
      else if (change.kind !== 'capacity' || change.pool.slurm != null) this.sync(change.pool.name, ledgerDevices(change.pool))
    })
    // leases restored from disk on devices the pools no longer have (a GPU gone while the node was down)
    for (const lease of ledger.activeLeases()) {
      const missing = ledger.missingDevices(lease.id)
      if (missing.length > 0) this.warnGone(lease.pool, missing, [lease.id])
    }
  }

  stop (): void {
    this.unsubscribe?.()
    this.unsubscribe = undefined
  }

  /** Gives the ledger the pool's devices (undefined: the pool is gone) and warns about live leases on devices that left. */
  private sync (pool: string, devices: number[] | undefined): void {
    const { ledger } = this.components
    const before = ledger.devicesOf(pool) ?? []
    if (devices == null) ledger.removePool(pool)
    else ledger.setPool(pool, devices)
    const kept = new Set(devices)
    const gone = before.filter(d => !kept.has(d))
    if (gone.length === 0) return
    const affected = ledger.activeLeases(pool).filter(lease => lease.devices.some(d => gone.includes(d)))
    if (affected.length > 0) this.warnGone(pool, gone, affected.map(lease => lease.id))
  }

  private warnGone (pool: string, devicesGone: number[], leases: string[]): void {
    this.log.warn('devices left a pool that live leases use; those leases lose them', { pool, devicesGone, leases })
  }
}
