/**
 * provider_* and offers_* over JSON-RPC and through the CLI, on two real
 * daemons (TCP on loopback): permissions, -32602 errors naming the field,
 * pools that survive a restart, and a search that finds the other daemon's offer.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { DaemonPool, waitFor, type TestDaemon } from '../helpers/daemons.ts'
import { RpcClientError } from '../../src/rpc/client.ts'
import { main } from '../../src/cli/program.ts'
import type { OfferView } from '../../src/discovery/view.ts'

interface SearchResult { offers: OfferView[], partial: boolean, fromCache: boolean }

const H100 = { name: 'h100', model: 'NVIDIA H100 80GB HBM3', gpus: 8, gpuMemoryMib: 81559, region: 'cn-east-1', price: { microsPerGpuHour: 2_500_000, currency: 'USD' } }

async function rpcError (call: Promise<unknown>): Promise<{ code: number, message: string }> {
  const err = await call.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(RpcClientError)
  return { code: (err as RpcClientError).code, message: (err as RpcClientError).message }
}

async function cli (d: TestDaemon, ...args: string[]): Promise<string> {
  const out: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out.push(String(chunk)); return true })
  try {
    await main(['node', 'cpnet', '--repo', d.repoPath, ...args])
  } finally {
    spy.mockRestore()
  }
  return out.join('')
}

describe('provider and offers methods', () => {
  const pool = new DaemonPool()
  let provider: TestDaemon
  let consumer: TestDaemon

  beforeAll(async () => {
    provider = await pool.start()
    consumer = await pool.start({ bootstrap: [provider.addrs[0] as string] })
  })
  afterAll(async () => { await pool.cleanup() })

  it('a node without pools is a consumer; adding one makes it a provider, admin only', async () => {
    expect((await provider.anonymous.call<{ role: string }>('node_info')).role).toBe('consumer')
    expect(await rpcError(provider.anonymous.call('provider_addPool', H100))).toMatchObject({ code: -32001 })
    const added = await provider.admin.call<{ cpi: string, offered: boolean, availableGpus: number }>('provider_addPool', H100)
    expect(added.cpi).toBe(`cpi:${provider.node.peerId.toString()}/h100`)
    expect(added.availableGpus).toBe(8)
    expect((await provider.anonymous.call<{ role: string }>('node_info')).role).toBe('provider')
  })

  it('bad params are -32602 naming the field', async () => {
    expect(await rpcError(provider.admin.call('provider_addPool', { ...H100, gpus: 0 }))).toMatchObject({ code: -32602, message: expect.stringContaining('/gpus') })
    expect(await rpcError(provider.admin.call('provider_addPool', { ...H100, name: 'Bad Name' }))).toMatchObject({ code: -32602, message: expect.stringContaining('/name') })
    expect(await rpcError(consumer.anonymous.call('offers_search', { filter: 'gpu_ram>=40' }))).toMatchObject({ code: -32602, message: expect.stringContaining('unknown field "gpu_ram"') })
    expect(await rpcError(consumer.anonymous.call('offers_search', { filter: 'gpus>=lots' }))).toMatchObject({ code: -32602, message: expect.stringContaining('gpus>=lots') })
    expect(await rpcError(consumer.anonymous.call('offers_search', { filter: '', sort: 'cheapest' }))).toMatchObject({ code: -32602, message: expect.stringContaining('/sort') })
    expect(await rpcError(consumer.anonymous.call('offers_get', { cpi: 'cpi:nope/h100' }))).toMatchObject({ code: -32602, message: expect.stringContaining('/cpi') })
    expect(await rpcError(provider.admin.call('provider_removePool', { name: 'nope' }))).toMatchObject({ code: -32002 })
  })

  it('offers_search and offers_get find the other daemon\'s offer; the CLI prints the table', async () => {
    await waitFor('the consumer finds the h100', async () =>
      (await consumer.anonymous.call<SearchResult>('offers_search', { filter: 'model=h100', cache: false, timeoutMs: 5000 })).offers.length === 1, 30_000, 200)
    const { offers } = await consumer.anonymous.call<SearchResult>('offers_search', { filter: 'gpus>=8 price<=2.5', timeoutMs: 5000 })
    expect(offers.map(o => [o.cpi, o.resource.availableGpus, o.price.perGpuHour, o.region])).toEqual([[`cpi:${provider.node.peerId.toString()}/h100`, 8, '2.5', 'cn-east-1']])
    const got = await consumer.anonymous.call<OfferView>('offers_get', { cpi: offers[0]?.cpi })
    expect(got.seq).toBeGreaterThanOrEqual(offers[0]?.seq ?? Infinity)

    const table = await cli(consumer, 'offers', 'search', 'model=h100')
    expect(table).toMatch(/^CPI\s+MODEL\s+FREE\/TOTAL\s+GPU MEM\s+PRICE\/GPU-H\s+REGION/)
    // within 80 columns: the CPI short, the longest cell (the model) cut to fit; --wide shows both whole
    expect(table).toMatch(/^12D3…\w{4}\/h100\s+NVIDIA H100 80GB H…\s+8\/8\s+80 GiB\s+2\.5 USD\s+cn-east-1$/m)
    expect(await cli(consumer, '--wide', 'offers', 'search', 'model=h100')).toContain(`cpi:${provider.node.peerId.toString()}/h100  NVIDIA H100 80GB HBM3  8/8`)
    const json = JSON.parse(await cli(consumer, '--json', 'offers', 'search', 'model=h100')) as SearchResult
    expect(json.offers[0]?.resource.model).toBe('NVIDIA H100 80GB HBM3')
  })

  it('the CLI adds, lists and removes pools', async () => {
    expect(await cli(provider, 'provider', 'add', 'l40s', '--model', 'NVIDIA L40S', '--gpus', '4', '--gpu-memory', '45GiB', '--price', '1.2', '--label', 'spot', 'eu')).toContain(`offering cpi:${provider.node.peerId.toString()}/l40s`)
    const listed = await cli(provider, 'provider', 'pools')
    expect(listed).toMatch(/l40s\s+rpc\s+NVIDIA L40S\s+4\/4\s+1.2 USD/)
    expect(await cli(provider, 'provider', 'remove', 'l40s')).toContain('withdrawn')
    expect(await cli(provider, 'provider', 'pools')).not.toContain('l40s')
  })

  it('pools added over RPC survive a restart, with the same CPI and a higher seq', async () => {
    const before = (await provider.anonymous.call<Array<{ cpi: string }>>('provider_pools')).map(p => p.cpi)
    const seqBefore = (await consumer.anonymous.call<OfferView>('offers_get', { cpi: before[0] })).seq
    await provider.stop()
    provider = await pool.start({ repoPath: provider.repoPath })
    expect((await provider.anonymous.call<Array<{ cpi: string }>>('provider_pools')).map(p => p.cpi)).toEqual(before)
    await waitFor('the restarted provider is found again', async () => {
      const r = await consumer.anonymous.call<OfferView>('offers_get', { cpi: before[0], timeoutMs: 3000 }).catch(() => undefined)
      return r != null && r.seq > seqBefore
    }, 30_000, 250)
  })
})
