import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Inventory, type PoolChange } from '../../src/inventory/inventory.ts'
import { PoolStore } from '../../src/inventory/store.ts'
import { PriceOverrides } from '../../src/inventory/price-overrides.ts'
import { readDefaults } from '../../src/config/load.ts'
import type { ProviderConfig } from '../../src/config/schema.ts'
import { PoolConflictError, PoolNotFoundError, PoolSpecError } from '../../src/inventory/errors.ts'
import { silentLogger } from '../../src/log/logger.ts'
import type { NodeDb } from '../../src/host/db.ts'
import { openTestDb, tempDir } from '../helpers/daemons.ts'

const mixed = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'nvidia-smi', 'mixed.csv'), 'utf8')

describe('inventory: detected, declared and added pools', () => {
  let dir: ReturnType<typeof tempDir>
  let db: NodeDb
  beforeEach(async () => {
    dir = tempDir()
    db = await openTestDb(dir.path)
  })
  afterEach(async () => {
    await db.close()
    dir.remove()
  })

  function inventory (config: Partial<ProviderConfig> = {}): Inventory {
    return new Inventory(
      { store: new PoolStore(db), prices: new PriceOverrides(db), logger: silentLogger() },
      { config: { ...readDefaults().provider, region: 'cn-east-1', ...config }, run: async () => mixed }
    )
  }

  it('merges nvidia-smi output with declared pools; a declaration wins by name and by model', async () => {
    const inv = inventory({
      pools: [
        { name: 'geforce-rtx-4090', model: 'NVIDIA GeForce RTX 4090', gpus: 1, gpuMemoryMib: 24564, labels: ['spot'] },
        { name: 'workstation', model: 'NVIDIA RTX A6000', gpus: 1, gpuMemoryMib: 49140, region: 'eu-central-1' }
      ]
    })
    await inv.start()
    expect(inv.list().map(p => [p.name, p.source, p.gpus, p.region])).toEqual([
      ['geforce-rtx-4090', 'config', 1, 'cn-east-1'],
      ['tesla-t4', 'detected', 1, 'cn-east-1'],
      ['workstation', 'config', 1, 'eu-central-1']
    ])
    expect(inv.get('geforce-rtx-4090')?.labels).toEqual(['spot'])
  })

  it('detection off, or garbage from nvidia-smi: only declared pools, a pure consumer without them', async () => {
    const off = inventory({ detectGpus: false })
    await off.start()
    expect(off.list()).toEqual([])
    const garbage = new Inventory({ store: new PoolStore(db), prices: new PriceOverrides(db), logger: silentLogger() }, { config: readDefaults().provider, run: async () => 'Failed to initialize NVML: Driver/library version mismatch' })
    await garbage.start()
    expect(garbage.list()).toEqual([])
  })

  it('pools added over RPC persist across restarts and can be removed; changes are announced', async () => {
    const first = inventory({ detectGpus: false })
    await first.start()
    const changes: PoolChange[] = []
    first.onChange(c => changes.push(c))
    await first.add({ name: 'h100', model: 'NVIDIA H100 80GB HBM3', gpus: 8, gpuMemoryMib: 81559 })
    await first.add({ name: 'h100', model: 'NVIDIA H100 80GB HBM3', gpus: 8, gpuMemoryMib: 81559, price: { microsPerGpuHour: 1, currency: 'USD' } })
    expect(changes.map(c => c.kind)).toEqual(['added', 'updated'])

    const second = inventory({ detectGpus: false })
    await second.start()
    expect(second.list().map(p => [p.name, p.source, p.price.microsPerGpuHour])).toEqual([['h100', 'rpc', 1]])
    await second.remove('h100')
    const third = inventory({ detectGpus: false })
    await third.start()
    expect(third.list()).toEqual([])
  })

  it('refuses to change config pools over RPC, to remove unknown pools, and unusable specs', async () => {
    const inv = inventory({ pools: [{ name: 'fixed', model: 'NVIDIA L40S', gpus: 4, gpuMemoryMib: 46068 }] })
    await inv.start()
    await expect(inv.add({ name: 'fixed', model: 'NVIDIA L40S', gpus: 1, gpuMemoryMib: 46068 })).rejects.toThrow(PoolConflictError)
    await expect(inv.remove('fixed')).rejects.toThrow(/config.json/)
    await expect(inv.remove('tesla-t4')).rejects.toThrow(/detectGpus/)
    await expect(inv.remove('nope')).rejects.toThrow(PoolNotFoundError)
    await expect(inv.add({ name: 'odd', model: '!!!', gpus: 1, gpuMemoryMib: 1 })).rejects.toThrow(/resource class/)
  })

  it('keeps the floor at or below the price, whatever sets them', async () => {
    const usd = (units: number) => ({ microsPerGpuHour: units * 1_000_000, currency: 'USD' })
    const first = inventory({ detectGpus: false })
    await first.start()
    await first.add({ name: 'gpu-a', model: 'NVIDIA H100 80GB HBM3', gpus: 2, gpuMemoryMib: 81559, price: { microsPerGpuHour: 2_500_000, currency: 'USD' }, floorMicrosPerGpuHour: 2_000_000 })
    // a price set below the floor takes the floor down with it
    expect(await first.setPrice('gpu-a', { microsPerGpuHour: 1_900_000, currency: 'USD' })).toMatchObject({ price: { microsPerGpuHour: 1_900_000 }, floorMicrosPerGpuHour: 1_900_000 })
    // and so it stays after a restart
    const second = inventory({ detectGpus: false })
    await second.start()
    expect(second.get('gpu-a')).toMatchObject({ price: { microsPerGpuHour: 1_900_000 }, floorMicrosPerGpuHour: 1_900_000 })
    // a price raised again leaves the declared floor
    expect(await second.setPrice('gpu-a', usd(3))).toMatchObject({ floorMicrosPerGpuHour: 2_000_000 })
    // another currency moves both
    expect(await second.setPrice('gpu-a', { microsPerGpuHour: 18_000_000, currency: 'CNY' })).toMatchObject({ price: { currency: 'CNY' }, floorMicrosPerGpuHour: 18_000_000 })
  })

  it('refuses a declared floor above the price, naming the field', async () => {
    const inv = inventory({ detectGpus: false, price: { microsPerGpuHour: 1_000_000, currency: 'USD' } })
    await inv.start()
    const refused = inv.add({ name: 'gpu-b', model: 'NVIDIA H100 80GB HBM3', gpus: 1, gpuMemoryMib: 81559, price: { microsPerGpuHour: 2_000_000, currency: 'USD' }, floorMicrosPerGpuHour: 3_000_000 })
    await expect(refused).rejects.toThrow(PoolSpecError)
    await expect(refused).rejects.toMatchObject({ field: 'floorMicrosPerGpuHour', message: expect.stringContaining('the floor 3 USD/GPU-h is above the price 2 USD/GPU-h') })
    // without a price of its own, the pool is sold at provider.price
    await expect(inv.add({ name: 'gpu-c', model: 'NVIDIA H100 80GB HBM3', gpus: 1, gpuMemoryMib: 81559, floorMicrosPerGpuHour: 1_500_000 })).rejects.toThrow(/provider\.price/)
    expect(inv.list()).toEqual([])
  })
})
