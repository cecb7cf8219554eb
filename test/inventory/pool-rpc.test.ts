/**
 * Pool devices over the API of a real daemon: provider_addPool takes a device
 * list and refuses one that cannot stand with -32602 naming the field;
 * provider_pools shows every pool's devices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DaemonPool, type TestDaemon } from '../helpers/daemons.ts'
import { RpcClientError } from '../../src/rpc/client.ts'
import { ErrorCode } from '../../src/error-codes.ts'
import type { PoolView } from '../../src/rpc/methods/provider/pool-view.ts'

const L40S = { name: 'l40s', model: 'NVIDIA L40S', gpus: 2, gpuMemoryMib: 46068 }

describe('pool devices over RPC', () => {
  const pool = new DaemonPool()
  let daemon: TestDaemon
  beforeAll(async () => {
    daemon = await pool.start({ extraFlags: [{ path: 'provider.pools', value: [{ name: 'declared', model: 'NVIDIA H100 80GB HBM3', gpus: 2, gpuMemoryMib: 81559 }], flag: 'test' }] })
  })
  afterAll(async () => { await pool.cleanup() })

  async function refusal (params: Record<string, unknown>): Promise<RpcClientError> {
    try {
      await daemon.admin.call('provider_addPool', params)
    } catch (err) {
      if (err instanceof RpcClientError) return err
      throw err
    }
    throw new Error('provider_addPool accepted it')
  }

  it('provider_addPool takes a device list and provider_pools shows it; a pool without one is numbered', async () => {
    const devices = [{ index: 4, uuid: 'GPU-c6f87718-6d76-b07e-881e-d162ae2eb154', pciBusId: '00000000:B1:00.0' }, { index: 6 }]
    const added = await daemon.admin.call<PoolView>('provider_addPool', { ...L40S, devices })
    expect(added.devices).toEqual(devices)
    const pools = await daemon.anonymous.call<PoolView[]>('provider_pools')
    expect(pools.map(p => [p.name, p.devices])).toEqual([['declared', [{ index: 0 }, { index: 1 }]], ['l40s', devices]])
  })

  it('refuses a list that does not match gpus or names a device twice, with data.path naming it', async () => {
    const short = await refusal({ ...L40S, name: 'short', devices: [{ index: 0 }] })
    expect(short.code).toBe(ErrorCode.INVALID_PARAMS)
    expect(short.data).toMatchObject({ path: '/devices', problem: expect.stringContaining('lists 1 device for 2 GPUs') })
    const twice = await refusal({ ...L40S, name: 'twice', devices: [{ index: 3 }, { index: 3 }] })
    expect(twice.data).toMatchObject({ path: '/devices/1/index', problem: expect.stringContaining('index 3 is listed twice') })
    const outOfRange = await refusal({ ...L40S, name: 'far', devices: [{ index: 0 }, { index: 5000 }] })
    expect(outOfRange.code).toBe(ErrorCode.INVALID_PARAMS)
    expect(outOfRange.data).toMatchObject({ path: '/devices/1/index' })
    expect((await daemon.anonymous.call<PoolView[]>('provider_pools')).map(p => p.name)).toEqual(['declared', 'l40s'])
  })
})
