/**
 * Providers that cannot be reached during a negotiation: one that never
 * answers and one that resets the stream. The consumer gets a clear, named
 * error (never a bare stream error), keeps no lease for them, and a request
 * by filter goes on to the next matching offer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DaemonPool, waitFor, type TestDaemon } from '../helpers/daemons.ts'
import { LEASE_PROTOCOL } from '../../src/lease/constants.ts'
import type { LeaseView } from '../../src/lease/view.ts'

const price = (microsPerGpuHour: number) => ({ microsPerGpuHour, currency: 'USD' })
const pool = (microsPerGpuHour: number) => ({ name: 'gpu', model: 'NVIDIA L40S', gpus: 4, gpuMemoryMib: 46068, price: price(microsPerGpuHour) })
const ASK = { gpus: 1, durationSec: 600, maxPrice: price(2_000_000) }
const STEP_TIMEOUT_SEC = 0.5

interface Requested { lease: LeaseView, refusals: Array<{ cpi: string, reason: string }> }

describe('unreachable providers', () => {
  const daemons = new DaemonPool()
  let provider: TestDaemon
  let silent: TestDaemon
  let resetting: TestDaemon
  let consumer: TestDaemon
  const cpiOf = (d: TestDaemon): string => `cpi:${d.node.peerId.toString()}/gpu`

  beforeAll(async () => {
    provider = await daemons.start({ extraFlags: [{ path: 'provider.pools', value: [pool(1_500_000)], flag: 'test' }] })
    // cheaper, so a request by filter tries them first
    silent = await daemons.start({ bootstrap: [provider.addrs[0] as string], extraFlags: [{ path: 'provider.pools', value: [pool(500_000)], flag: 'test' }] })
    resetting = await daemons.start({ bootstrap: [provider.addrs[0] as string], extraFlags: [{ path: 'provider.pools', value: [pool(700_000)], flag: 'test' }] })
    // the lease protocol answered by a provider that reads nothing and says nothing, and by one that resets every stream
    await silent.node.libp2p.handle(LEASE_PROTOCOL, () => {}, { force: true })
    await resetting.node.libp2p.handle(LEASE_PROTOCOL, stream => { stream.abort(new Error('going away')) }, { force: true })
    consumer = await daemons.start({
      bootstrap: [provider.addrs[0] as string],
      extraFlags: [{ path: 'lease.stepTimeoutSec', value: STEP_TIMEOUT_SEC, flag: 'test' }]
    })
    await consumer.admin.call('node_connect', { multiaddr: silent.addrs[0] })
    await consumer.admin.call('node_connect', { multiaddr: resetting.addrs[0] })
  })
  afterAll(async () => { await daemons.cleanup() })

  it('a provider that never answers is a timeout naming the step, and no lease is kept', async () => {
    await expect(consumer.admin.call('lease_request', { cpi: cpiOf(silent), ...ASK })).rejects.toMatchObject({
      code: -32003,
      data: { name: 'LeaseTimeoutError' },
      message: expect.stringContaining(`within ${STEP_TIMEOUT_SEC * 1000} ms`)
    })
    expect(await consumer.anonymous.call<LeaseView[]>('lease_list')).toEqual([])
  })

  it('a provider that resets the stream is a stream error, and no lease is kept', async () => {
    await expect(consumer.admin.call('lease_request', { cpi: cpiOf(resetting), ...ASK })).rejects.toMatchObject({
      code: -32000,
      data: { name: 'LeaseStreamError' },
      message: expect.stringContaining('the lease stream failed')
    })
    expect(await consumer.anonymous.call<LeaseView[]>('lease_list')).toEqual([])
  })

  it('by filter, the consumer goes on to the next offer and says why it passed the others', async () => {
    await waitFor('the consumer to find all three offers', async () =>
      (await consumer.anonymous.call<{ offers: unknown[] }>('offers_search', { filter: 'model=l40s', cache: false })).offers.length === 3)
    const { lease, refusals } = await consumer.admin.call<Requested>('lease_request', { filter: 'model=l40s', ...ASK })
    expect(lease).toMatchObject({ cpi: cpiOf(provider), status: 'active' })
    expect(refusals.map(r => r.cpi)).toEqual([cpiOf(silent), cpiOf(resetting)])
    expect(refusals[0]?.reason).toMatch(/within 500 ms/)
    expect(refusals[1]?.reason).toMatch(/the lease stream failed/)
    expect((await consumer.anonymous.call<LeaseView[]>('lease_list')).map(l => l.leaseId)).toEqual([lease.leaseId])
    expect(provider.node.ledger.usage('gpu')).toMatchObject({ leased: 1, held: 0 })
  })
})
