/**
 * Leases end to end between real daemons (in-process, TCP on loopback): RPC
 * call → negotiation → a co-signed lease that both sides hold byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DaemonPool, waitFor, type TestDaemon } from '../helpers/daemons.ts'
import type { LeaseView } from '../../src/lease/view.ts'
import { verifySignedLease } from '../../src/lease/agreement.ts'
import { fromString as fromBase64 } from 'uint8arrays/from-string'

interface Usage { pool: string, total: number, held: number, leased: number, free: number }
interface ProviderLeases { leases: LeaseView[], pools: Usage[] }
interface Requested { lease: LeaseView, refusals: Array<{ cpi: string, reason: string }> }

const price = (microsPerGpuHour: number) => ({ microsPerGpuHour, currency: 'USD' })

describe('leases between two daemons', () => {
  const pool = new DaemonPool()
  let provider: TestDaemon
  let consumer: TestDaemon
  let cpi: string

  beforeAll(async () => {
    provider = await pool.start({
      extraFlags: [{
        path: 'provider.pools',
        flag: 'test',
        value: [{ name: 'h100', model: 'NVIDIA H100 80GB HBM3', gpus: 4, gpuMemoryMib: 81559, price: price(2_000_000), floorMicrosPerGpuHour: 1_500_000, region: 'cn-east-1' }]
      }]
    })
    consumer = await pool.start({ bootstrap: [provider.addrs[0] as string] })
    cpi = `cpi:${provider.node.peerId.toString()}/h100`
  })
  afterAll(async () => { await pool.cleanup() })

  async function usage (): Promise<Usage> {
    const { pools } = await provider.anonymous.call<ProviderLeases>('provider_leases')
    return pools.find(p => p.pool === 'h100') as Usage
  }

  it('grants a lease both sides hold byte for byte, signed by both', async () => {
    const { lease } = await consumer.admin.call<Requested>('lease_request', { cpi, gpus: 2, durationSec: 600, maxPrice: price(3_000_000) })
    expect(lease).toMatchObject({ role: 'consumer', status: 'active', cpi, gpus: 2, price: price(2_000_000), version: 1, consumer: consumer.node.peerId.toString() })
    const onProvider = await provider.anonymous.call<LeaseView>('lease_get', { leaseId: lease.leaseId })
    expect(onProvider.role).toBe('provider')
    expect(onProvider.signed).toEqual(lease.signed)
    const parsed = await verifySignedLease({
      agreement: fromBase64(lease.signed?.agreement ?? '', 'base64'),
      providerSignature: fromBase64(lease.signed?.providerSignature ?? '', 'base64'),
      consumerSignature: fromBase64(lease.signed?.consumerSignature ?? '', 'base64')
    })
    expect(parsed.provider.equals(provider.node.peerId)).toBe(true)
    expect(parsed.consumer.equals(consumer.node.peerId)).toBe(true)
    expect(await usage()).toMatchObject({ leased: 2, held: 0, free: 2 })
    const listed = await consumer.anonymous.call<LeaseView[]>('lease_list')
    expect(listed.map(l => l.leaseId)).toContain(lease.leaseId)
    const providerList = await provider.anonymous.call<LeaseView[]>('lease_list')
    expect(providerList.find(l => l.leaseId === lease.leaseId)?.role).toBe('provider')
  })

  it('refuses what the pool cannot give, with the reason', async () => {
    await expect(consumer.admin.call('lease_request', { cpi, gpus: 3, durationSec: 600, maxPrice: price(3_000_000) }))
      .rejects.toMatchObject({ code: -32010, data: { reason: 'NO_CAPACITY' } })
    const cheap = consumer.admin.call('lease_request', { cpi, gpus: 1, durationSec: 600, maxPrice: price(1_000_000) })
    await expect(cheap).rejects.toMatchObject({ code: -32010, data: { reason: 'PRICE' } })
    // the price as the CLI takes it, not micro-units
    await expect(cheap).rejects.toMatchObject({ message: expect.stringContaining('the most you pay (1 USD/GPU-h)') })
    await expect(cheap).rejects.not.toMatchObject({ message: expect.stringContaining('1000000') })
    await expect(consumer.admin.call('lease_request', { cpi, gpus: 1, durationSec: 10, maxPrice: price(3_000_000) }))
      .rejects.toMatchObject({ code: -32010, data: { reason: 'DURATION' } })
    await expect(consumer.admin.call('lease_request', { cpi: cpi.replace('/h100', '/a100'), gpus: 1, durationSec: 600, maxPrice: price(3_000_000) }))
      .rejects.toMatchObject({ code: -32010, data: { reason: 'UNKNOWN_POOL' } })
    await expect(consumer.admin.call('lease_request', { cpi, gpus: 1, durationSec: 600, maxPrice: { microsPerGpuHour: 3_000_000, currency: 'CNY' } }))
      .rejects.toMatchObject({ code: -32010, data: { reason: 'PRICE' } })
    expect(await usage()).toMatchObject({ held: 0 })
  })

  it('counters down to the floor', async () => {
    const { lease } = await consumer.admin.call<Requested>('lease_request', { cpi, gpus: 1, durationSec: 600, maxPrice: price(3_000_000), bidMicrosPerGpuHour: 1_000_000 })
    expect(lease.price).toEqual({ ...price(1_500_000), perGpuHour: '1.5' })
    await consumer.admin.call('lease_release', { leaseId: lease.leaseId })
  })

  it('renews (both sign version 2) and releases (capacity returns)', async () => {
    const { lease } = await consumer.admin.call<Requested>('lease_request', { cpi, gpus: 1, durationSec: 600, maxPrice: price(3_000_000) })
    const renewed = await consumer.admin.call<LeaseView>('lease_renew', { leaseId: lease.leaseId, extendSec: 300 })
    expect(renewed.version).toBe(2)
    expect(renewed.end).toBe((lease.end ?? 0) + 300_000)
    expect((await provider.anonymous.call<LeaseView>('lease_get', { leaseId: lease.leaseId })).signed).toEqual(renewed.signed)
    const before = (await usage()).free
    const released = await consumer.admin.call<LeaseView>('lease_release', { leaseId: lease.leaseId })
    expect(released.status).toBe('released')
    expect((await usage()).free).toBe(before + 1)
    expect((await provider.anonymous.call<LeaseView>('lease_get', { leaseId: lease.leaseId })).status).toBe('released')
    await expect(consumer.admin.call('lease_renew', { leaseId: lease.leaseId, extendSec: 60 })).rejects.toMatchObject({ code: -32000 })
  })

  it('leases at a price set below the floor: the floor follows the price', async () => {
    interface Pool { name: string, price: { microsPerGpuHour: number, perGpuHour: string }, floorMicrosPerGpuHour: number, floorPerGpuHour: string }
    const lowered = await provider.admin.call<Pool>('provider_setPrice', { pool: 'h100', price: price(1_400_000) })
    expect(lowered).toMatchObject({ price: { microsPerGpuHour: 1_400_000, perGpuHour: '1.4' }, floorMicrosPerGpuHour: 1_400_000, floorPerGpuHour: '1.4' })
    const { lease } = await consumer.admin.call<Requested>('lease_request', { cpi, gpus: 1, durationSec: 600, maxPrice: price(1_400_000) })
    expect(lease).toMatchObject({ status: 'active', price: { microsPerGpuHour: 1_400_000, currency: 'USD', perGpuHour: '1.4' } })
    await consumer.admin.call('lease_release', { leaseId: lease.leaseId })
    // back at the declared price, the declared floor holds again
    await provider.admin.call('provider_setPrice', { pool: 'h100', price: price(2_000_000) })
    const pools = await provider.anonymous.call<Pool[]>('provider_pools')
    expect(pools.find(p => p.name === 'h100')).toMatchObject({ price: { perGpuHour: '2' }, floorMicrosPerGpuHour: 1_500_000, floorPerGpuHour: '1.5' })
  })

  it('shows when a released lease ended, why, the GPU-hours it used and what it owes, on both sides', async () => {
    const { lease } = await consumer.admin.call<Requested>('lease_request', { cpi, gpus: 2, durationSec: 600, maxPrice: price(3_000_000) })
    expect(lease.endedAt).toBeUndefined()
    expect(lease.amountDue).toBeUndefined()
    const released = await consumer.admin.call<LeaseView>('lease_release', { leaseId: lease.leaseId })
    const onProvider = await provider.anonymous.call<LeaseView>('lease_get', { leaseId: lease.leaseId })
    for (const view of [released, onProvider, await consumer.anonymous.call<LeaseView>('lease_get', { leaseId: lease.leaseId })]) {
      expect(view).toMatchObject({ status: 'released', endReason: 'released by the consumer', endedAt: onProvider.endedAt })
      // prorated to the second (a second begun counts), rounded half up to a micro-unit
      const seconds = Math.ceil(((view.endedAt ?? 0) - (view.start ?? 0)) / 1000)
      expect(view.endedAt).toBeLessThan(view.end ?? 0)
      expect(view.gpuHours).toBe(Math.round(2 * seconds / 3600 * 1e6) / 1e6)
      const micros = Math.floor((2 * 2_000_000 * 2 * seconds + 3600) / 7200)
      expect(view.amountDue).toEqual({ micros, amount: (micros / 1e6).toString(), currency: 'USD' })
    }
    const listed = (await consumer.anonymous.call<LeaseView[]>('lease_list')).find(l => l.leaseId === lease.leaseId)
    expect(listed).toMatchObject({ endedAt: onProvider.endedAt, amountDue: onProvider.amountDue })
    const provided = (await provider.anonymous.call<ProviderLeases>('provider_leases')).leases.find(l => l.leaseId === lease.leaseId)
    expect(provided).toMatchObject({ endedAt: onProvider.endedAt, gpuHours: onProvider.gpuHours, amountDue: onProvider.amountDue })
  })

  it('refuses a pool whose floor is above its price, naming the field', async () => {
    await expect(provider.admin.call('provider_addPool', { name: 'gpu-a', model: 'NVIDIA H100 80GB HBM3', gpus: 1, gpuMemoryMib: 81559, price: price(2_000_000), floorMicrosPerGpuHour: 3_000_000 }))
      .rejects.toMatchObject({ code: -32602, data: { path: '/floorMicrosPerGpuHour' }, message: expect.stringContaining('the floor 3 USD/GPU-h is above the price 2 USD/GPU-h') })
  })

  it('leases by filter, cheapest matching offer first', async () => {
    await waitFor('the consumer to find the offer', async () =>
      (await consumer.anonymous.call<{ offers: unknown[] }>('offers_search', { filter: 'model=h100', cache: false })).offers.length > 0)
    const { lease } = await consumer.admin.call<Requested>('lease_request', { filter: 'model=h100 region=cn-east-1', gpus: 1, durationSec: 600, maxPrice: price(3_000_000) })
    expect(lease.cpi).toBe(cpi)
    await consumer.admin.call('lease_release', { leaseId: lease.leaseId })
    await expect(consumer.admin.call('lease_request', { filter: 'model=a100', gpus: 1, durationSec: 600, maxPrice: price(3_000_000) }))
      .rejects.toMatchObject({ code: -32002, message: 'no offer of another node matches "model=a100" with 1 free GPUs at 3 USD/GPU-h or less' })
  })

  it('never leases from itself: its own offers are shown as local and left out of the candidates', async () => {
    // a node that provides a cheaper h100 itself and leases one
    const both = await pool.start({
      bootstrap: [provider.addrs[0] as string],
      extraFlags: [{ path: 'provider.pools', flag: 'test', value: [{ name: 'own', model: 'NVIDIA H100 80GB HBM3', gpus: 2, gpuMemoryMib: 81559, price: price(1_000_000), region: 'cn-east-1' }] }]
    })
    const ownCpi = `cpi:${both.node.peerId.toString()}/own`
    let offers: Array<{ cpi: string, local?: boolean }> = []
    await waitFor('both offers to be found', async () => {
      offers = (await both.anonymous.call<{ offers: typeof offers }>('offers_search', { filter: 'model=h100', cache: false })).offers
      return offers.length === 2
    })
    expect(offers.map(o => [o.cpi, o.local])).toEqual([[ownCpi, true], [cpi, undefined]])

    const { lease, refusals } = await both.admin.call<Requested>('lease_request', { filter: 'model=h100', gpus: 1, durationSec: 600, maxPrice: price(3_000_000) })
    expect(lease.cpi).toBe(cpi)
    expect(refusals).toEqual([])
    await both.admin.call('lease_release', { leaseId: lease.leaseId })
    await expect(both.admin.call('lease_request', { filter: 'model=h100', gpus: 1, durationSec: 600, maxPrice: price(1_500_000) }))
      .rejects.toMatchObject({ code: -32002, message: expect.stringContaining('another node') })
    await expect(both.admin.call('lease_request', { cpi: ownCpi, gpus: 1, durationSec: 600, maxPrice: price(3_000_000) }))
      .rejects.toMatchObject({ code: -32602, data: { path: '/cpi' }, message: expect.stringContaining('never leases from itself') })
    await both.stop()
  })

  it('checks params: cpi or filter, a valid CPI, a lease id', async () => {
    await expect(consumer.admin.call('lease_request', { gpus: 1, durationSec: 60, maxPrice: price(1) })).rejects.toMatchObject({ code: -32602 })
    await expect(consumer.admin.call('lease_request', { cpi: 'cpi:nope/h100', gpus: 1, durationSec: 60, maxPrice: price(1) })).rejects.toMatchObject({ code: -32602, data: { path: '/cpi' } })
    await expect(consumer.anonymous.call('lease_request', { cpi, gpus: 1, durationSec: 60, maxPrice: price(1) })).rejects.toMatchObject({ code: -32001 })
    const badId = consumer.anonymous.call('lease_get', { leaseId: 'x' })
    await expect(badId).rejects.toMatchObject({ code: -32602, data: { path: '/leaseId', problem: 'expected the lease id (32 hex characters), got "x"' } })
    await expect(badId).rejects.not.toMatchObject({ message: expect.stringMatching(/Expected string|\^\[0-9a-f\]/) })
    await expect(consumer.admin.call('lease_request', { cpi, gpus: 0, durationSec: 60, maxPrice: price(1) }))
      .rejects.toMatchObject({ code: -32602, data: { path: '/gpus', problem: 'GPUs to lease: expected a whole number from 1 to 1024, got 0' } })
    await expect(consumer.anonymous.call('offers_search', { filter: '', sort: 'cheap' }))
      .rejects.toMatchObject({ code: -32602, data: { path: '/sort', problem: expect.stringMatching(/: expected one of "price", "free", "rtt", got "cheap"$/) } })
    await expect(consumer.anonymous.call('lease_get', { leaseId: '0'.repeat(32), extra: 1 }))
      .rejects.toMatchObject({ code: -32602, data: { path: '/extra', problem: 'not a known field (known here: leaseId)' } })
    await expect(consumer.anonymous.call('lease_get', { leaseId: '0'.repeat(32) })).rejects.toMatchObject({ code: -32002 })
  })
})
