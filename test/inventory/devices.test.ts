/**
 * A pool's devices as declared: a list of its own (checked where pools are
 * declared, config.json and provider_addPool, naming the field), or indices
 * 0…gpus-1; a detected pool's are nvidia-smi's GPUs of its model.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Inventory } from '../../src/inventory/inventory.ts'
import { PoolStore } from '../../src/inventory/store.ts'
import { PriceOverrides } from '../../src/inventory/price-overrides.ts'
import { PoolSpecError } from '../../src/inventory/errors.ts'
import { applyPatches, readDefaults, validateConfig } from '../../src/config/load.ts'
import { ConfigError } from '../../src/config/errors.ts'
import type { PoolSpec } from '../../src/config/pool-schema.ts'
import type { ProviderConfig } from '../../src/config/schema.ts'
import { silentLogger } from '../../src/log/logger.ts'
import type { NodeDb } from '../../src/host/db.ts'
import { openTestDb, tempDir } from '../helpers/daemons.ts'

const mixed = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'nvidia-smi', 'mixed.csv'), 'utf8')
const L40S: PoolSpec = { name: 'l40s', model: 'NVIDIA L40S', gpus: 2, gpuMemoryMib: 46068 }

describe('pool devices', () => {
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

  async function inventory (config: Partial<ProviderConfig> = {}): Promise<Inventory> {
    const inv = new Inventory(
      { store: new PoolStore(db), prices: new PriceOverrides(db), logger: silentLogger() },
      { config: { ...readDefaults().provider, detectIntervalSec: 0, ...config }, run: async () => mixed }
    )
    await inv.start()
    return inv
  }

  it('a declared pool has its own list, else indices 0 to gpus-1; a detected one has nvidia-smi\'s GPUs of its model', async () => {
    const inv = await inventory({
      pools: [
        L40S,
        { name: 'pinned', model: 'NVIDIA L4', gpus: 2, gpuMemoryMib: 23034, devices: [{ index: 5, pciBusId: '0000:b1:00.0' }, { index: 3, uuid: 'GPU-1234-abcd' }] }
      ]
    })
    expect(inv.get('l40s')?.devices).toEqual([{ index: 0 }, { index: 1 }])
    expect(inv.get('pinned')?.devices).toEqual([{ index: 5, pciBusId: '0000:b1:00.0' }, { index: 3, uuid: 'GPU-1234-abcd' }])
    expect(inv.get('geforce-rtx-4090')?.devices).toEqual([
      { index: 0, uuid: 'GPU-4cdd2055-930d-6eaf-14f4-733f3e7d1bfb', pciBusId: '00000000:01:00.0' },
      { index: 2, uuid: 'GPU-9be4bcfc-49b6-4a08-72e6-cc3ababced20', pciBusId: '00000000:41:00.0' }
    ])
  })

  it('provider_addPool\'s path refuses a list that does not match gpus or names a device twice, naming the field', async () => {
    const inv = await inventory({ detectGpus: false })
    const short = inv.add({ ...L40S, devices: [{ index: 0 }] })
    await expect(short).rejects.toThrow(PoolSpecError)
    await expect(short).rejects.toMatchObject({ field: 'devices', message: 'pool "l40s": lists 1 device for 2 GPUs; a pool lists one device per GPU' })
    await expect(inv.add({ ...L40S, devices: [{ index: 1 }, { index: 1 }] })).rejects.toMatchObject({ field: 'devices.1.index', message: expect.stringContaining('index 1 is listed twice') })
    await expect(inv.add({ ...L40S, devices: [{ index: 0, uuid: 'GPU-aa' }, { index: 1, uuid: 'GPU-aa' }] })).rejects.toMatchObject({ field: 'devices.1.uuid' })
    await expect(inv.add({ ...L40S, devices: [{ index: 0, pciBusId: '0000:17:00.0' }, { index: 1, pciBusId: '0000:17:00.0' }] })).rejects.toMatchObject({ field: 'devices.1.pciBusId' })
    expect(inv.list()).toEqual([])
    const added = await inv.add({ ...L40S, devices: [{ index: 6 }, { index: 7 }] })
    expect(added.devices).toEqual([{ index: 6 }, { index: 7 }])
  })

  it('config.json refuses such a list too, naming provider.pools.N.devices', () => {
    const withDevices = (devices: PoolSpec['devices']): unknown => applyPatches(readDefaults(), { provider: { pools: [{ ...L40S, devices }] } })
    expect(() => validateConfig(withDevices([{ index: 0 }, { index: 1 }]))).not.toThrow()
    const issues = (devices: PoolSpec['devices']): unknown => {
      try {
        validateConfig(withDevices(devices))
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError)
        return (err as ConfigError).issues.map(i => [i.field, i.problem])
      }
      throw new Error('accepted')
    }
    expect(issues([{ index: 0 }, { index: 1 }, { index: 2 }])).toEqual([['provider.pools.0.devices', 'lists 3 devices for 2 GPUs; a pool lists one device per GPU']])
    expect(issues([{ index: 4 }, { index: 4 }])).toEqual([['provider.pools.0.devices.1.index', 'index 4 is listed twice (devices.0 has it too); each device is listed once']])
    // the schema: index within 0..1023, a PCI address in its usual shape
    expect(issues([{ index: 0 }, { index: 1024 }])).toEqual([['provider.pools.0.devices.1.index', expect.any(String)]])
    expect(issues([{ index: 0 }, { index: 1, pciBusId: '18:00.0' }])).toEqual([['provider.pools.0.devices.1.pciBusId', expect.any(String)]])
  })
})
