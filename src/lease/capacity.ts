/**
 * The ledger as the inventory's capacity source: free GPUs are what the ledger
 * says, and every hold, lease and end it records reaches the publishers of
 * offers and prices through the inventory's change events.
 */
import type { CapacitySource } from '../inventory/capacity.ts'
import type { Inventory } from '../inventory/inventory.ts'
import type { Ledger } from '../ledger/ledger.ts'

export function ledgerCapacity (ledger: Ledger): CapacitySource {
  return {
    available: pool => ledger.usage(pool.name).free,
    onChange: listener => ledger.onChange(event => { if (event.kind !== 'pool') listener(event.pool) })
  }
}

/** Keeps the ledger's pool sizes equal to the inventory's; returns the unsubscribe function. */
export function syncPools (inventory: Inventory, ledger: Ledger): () => void {
  for (const pool of inventory.list()) ledger.setPool(pool.name, pool.gpus)
  return inventory.onChange(change => {
    if (change.kind === 'removed') ledger.removePool(change.pool.name)
    else if (change.kind !== 'capacity') ledger.setPool(change.pool.name, change.pool.gpus)
  })
}
