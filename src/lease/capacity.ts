/**
 * The ledger as the inventory's capacity source: free GPUs are what the ledger
 * says, and every hold, lease and end it records reaches the publishers of
 * offers and prices through the inventory's change events.
 */
import type { Startable } from '@libp2p/interface'
import type { CapacitySource } from '../inventory/capacity.ts'
import type { Inventory } from '../inventory/inventory.ts'
import type { Ledger } from '../ledger/ledger.ts'

export function ledgerCapacity (ledger: Ledger): CapacitySource {
  return {
    available: pool => ledger.usage(pool.name).free,
    onChange: listener => ledger.onChange(event => { if (event.kind !== 'pool') listener(event.pool) })
  }
}

export interface PoolSyncComponents {
  inventory: Inventory
  ledger: Ledger
}

/** Keeps the ledger's pool sizes equal to the inventory's while it runs (start it after both). */
export class PoolSync implements Startable {
  private readonly components: PoolSyncComponents
  private unsubscribe?: () => void

  constructor (components: PoolSyncComponents) {
    this.components = components
  }

  start (): void {
    if (this.unsubscribe != null) return
    const { inventory, ledger } = this.components
    for (const pool of inventory.list()) ledger.setPool(pool.name, pool.gpus)
    this.unsubscribe = inventory.onChange(change => {
      if (change.kind === 'removed') ledger.removePool(change.pool.name)
      else if (change.kind !== 'capacity') ledger.setPool(change.pool.name, change.pool.gpus)
    })
  }

  stop (): void {
    this.unsubscribe?.()
    this.unsubscribe = undefined
  }
}
