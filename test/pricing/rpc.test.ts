/**
 * The prices_* and provider_setPrice methods on a real daemon (TCP on
 * loopback), and WebSocket subscriptions with well- and ill-behaved clients.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Socket } from 'node:net'
import { WebSocket } from 'ws'
import { DaemonPool, waitFor, type TestDaemon } from '../helpers/daemons.ts'
import { RpcClientError } from '../../src/rpc/client.ts'
import { WsRpcClient } from '../../src/rpc/ws-client.ts'
import type { PriceNotification } from '../../src/pricing/subscriptions.ts'
import type { PriceView } from '../../src/pricing/view.ts'
import type { PoolView } from '../../src/rpc/methods/provider/pool-view.ts'

const MAX_SUBS = 3
const H100 = { name: 'h100', model: 'NVIDIA H100 80GB HBM3', gpus: 8, gpuMemoryMib: 81559, region: 'cn-east-1', price: { microsPerGpuHour: 2_500_000, currency: 'USD' } }
const L40S = { name: 'l40s', model: 'NVIDIA L40S', gpus: 4, gpuMemoryMib: 46068 }
const usd = (units: number) => ({ microsPerGpuHour: Math.round(units * 1_000_000), currency: 'USD' })

async function rpcError (call: Promise<unknown>): Promise<{ code: number, message: string }> {
  const err = await call.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(RpcClientError)
  return { code: (err as RpcClientError).code, message: (err as RpcClientError).message }
}

/** A WebSocket client that keeps every price notification it gets, by subscription. */
class Subscriber {
  readonly got: Array<{ subscription: string, result: PriceNotification }> = []
  private constructor (readonly client: WsRpcClient) {
    client.on('prices_subscription', params => { this.got.push(params as { subscription: string, result: PriceNotification }) })
  }

  static async open (d: TestDaemon): Promise<Subscriber> {
    return new Subscriber(await WsRpcClient.connect({ url: d.rpcUrl }))
  }

  async subscribe (filter: string): Promise<string> {
    return this.client.call<string>('prices_subscribe', { filter })
  }

  pools (subscription?: string): string[] {
    return [...new Set(this.got.filter(n => subscription == null || n.subscription === subscription).map(n => n.result.pool))].sort()
  }

  has (pool: string, micros: number): boolean {
    return this.got.some(n => n.result.pool === pool && n.result.price.microsPerGpuHour === micros)
  }
}

interface RawMessage {
  id?: number
  result?: unknown
  error?: { code: number }
  method?: string
  params?: { subscription: string, result: PriceNotification }
}

/** A client that writes whatever it likes on the socket and keeps everything it reads. */
class RawClient {
  readonly got: RawMessage[] = []
  private constructor (readonly ws: WebSocket) {
    ws.on('message', data => { this.got.push(JSON.parse(String(data)) as RawMessage) })
  }

  static async open (d: TestDaemon): Promise<RawClient> {
    const ws = new WebSocket(d.rpcUrl.replace('http://', 'ws://'))
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
    return new RawClient(ws)
  }

  send (frame: string | Buffer): void {
    this.ws.send(frame)
  }
}

describe('prices methods and subscriptions', () => {
  const pool = new DaemonPool()
  let d: TestDaemon
  const subscribers: Subscriber[] = []
  async function subscriber (): Promise<Subscriber> {
    const s = await Subscriber.open(d)
    subscribers.push(s)
    return s
  }

  beforeAll(async () => {
    d = await pool.start({
      extraFlags: [
        { path: 'rpc.maxSubscriptionsPerConnection', value: MAX_SUBS, flag: 'test' },
        { path: 'provider.pools', value: [{ name: 'l40s', model: L40S.model, gpus: L40S.gpus, gpuMemoryMib: L40S.gpuMemoryMib, price: usd(1) }], flag: 'test' }
      ]
    })
    await d.admin.call('provider_addPool', H100)
  })
  afterAll(async () => {
    for (const s of subscribers) s.client.close()
    await pool.cleanup()
  })

  it('prices_latest lists this node\'s own live prices, filtered with the search language', async () => {
    await waitFor('both pools priced', async () => (await d.anonymous.call<PriceView[]>('prices_latest', {})).length === 2)
    const all = await d.anonymous.call<PriceView[]>('prices_latest', {})
    expect(all.map(v => [v.pool, v.price.perGpuHour, v.availableGpus, v.totalGpus, v.withdrawn])).toEqual([['l40s', '1', 4, 4, false], ['h100', '2.5', 8, 8, false]])
    expect((await d.anonymous.call<PriceView[]>('prices_latest', { filter: 'model=h100 region=cn-east-1' })).map(v => v.pool)).toEqual(['h100'])
    expect((await d.anonymous.call<PriceView[]>('prices_latest', { filter: 'gpu_mem>=80' })).map(v => v.pool)).toEqual(['h100'])
    expect(await rpcError(d.anonymous.call('prices_latest', { filter: 'gpu_ram>=4' }))).toMatchObject({ code: -32602, message: expect.stringContaining('/filter') })
  })

  it('provider_setPrice needs write, names an unknown pool, and checks the price', async () => {
    expect(await rpcError(d.anonymous.call('provider_setPrice', { pool: 'h100', price: usd(2) }))).toMatchObject({ code: -32001 })
    expect(await rpcError(d.admin.call('provider_setPrice', { pool: 'nope', price: usd(2) }))).toMatchObject({ code: -32002 })
    expect(await rpcError(d.admin.call('provider_setPrice', { pool: 'h100', price: { microsPerGpuHour: -1, currency: 'USD' } }))).toMatchObject({ code: -32602, message: expect.stringContaining('/price/microsPerGpuHour') })
  })

  it('subscribing needs a WebSocket and a valid filter', async () => {
    expect(await rpcError(d.anonymous.call('prices_subscribe', { filter: '' }))).toMatchObject({ code: -32602, message: expect.stringContaining('WebSocket') })
    const s = await subscriber()
    expect(await rpcError(s.subscribe('gpus>=lots'))).toMatchObject({ code: -32602, message: expect.stringContaining('/filter') })
  })

  it('a subscriber receives the updates that match its filter, and only those', async () => {
    const narrow = await subscriber()
    const wide = await subscriber()
    const h100Only = await narrow.subscribe('model=h100')
    const everything = await wide.subscribe('')
    await d.admin.call('provider_setPrice', { pool: 'h100', price: usd(2.1) })
    await d.admin.call('provider_setPrice', { pool: 'l40s', price: usd(0.9) })
    await waitFor('both changes at the wide subscriber', () => wide.has('h100', 2_100_000) && wide.has('l40s', 900_000))
    await waitFor('the h100 change at the narrow one', () => narrow.has('h100', 2_100_000))
    expect(narrow.pools(h100Only)).toEqual(['h100'])
    expect(wide.pools(everything)).toEqual(['h100', 'l40s'])
    const n = wide.got.find(g => g.result.pool === 'h100' && g.result.price.microsPerGpuHour === 2_100_000)
    expect(n).toMatchObject({ subscription: everything, result: { cpi: `cpi:${d.node.peerId.toString()}/h100`, matches: true, availableGpus: 8, totalGpus: 8, class: 'gpu/nvidia/h100-80gb-hbm3' } })
  })

  it('garbage frames get errors; the subscription on the same connection goes on', async () => {
    const raw = await RawClient.open(d)
    raw.send('{"jsonrpc":"2.0","method":"prices_subscribe","params":{"filter":"model=l40s"},"id":1}')
    await waitFor('the subscription id', () => raw.got.some(m => m.id === 1))
    const id = raw.got.find(m => m.id === 1)?.result
    raw.send('{"jsonrpc":"2.0","method":"prices_subscribe","params":{"filter":')
    raw.send(Buffer.from([0xff, 0xfe, 0x00]))
    raw.send('{"jsonrpc":"2.0","method":"prices_subscribe","params":{"filter":"model=h100","extra":1},"id":2}')
    await waitFor('three error replies', () => raw.got.filter(m => m.error != null).length === 3)
    expect(raw.got.filter(m => m.error != null).map(m => m.error?.code)).toEqual([-32700, -32700, -32602])
    await d.admin.call('provider_setPrice', { pool: 'l40s', price: usd(0.85) })
    await waitFor('the change after the garbage', () => raw.got.some(m => m.params?.subscription === id && m.params?.result.price.microsPerGpuHour === 850_000))
    expect(new Set(raw.got.filter(m => m.method === 'prices_subscription').map(m => m.params?.result.pool))).toEqual(new Set(['l40s']))
    raw.ws.close()
  })

  it('more subscriptions than the limit on one connection get -32004; another connection is not affected', async () => {
    const greedy = await subscriber()
    const ids: string[] = []
    for (let i = 0; i < MAX_SUBS; i++) ids.push(await greedy.subscribe(''))
    expect(await rpcError(greedy.subscribe(''))).toMatchObject({ code: -32004, message: expect.stringContaining(`the limit is ${MAX_SUBS}`) })
    const other = await subscriber()
    expect(await other.subscribe('')).toMatch(/^0x[0-9a-f]{32}$/)
    // a freed slot can be used again
    expect(await greedy.client.call('prices_unsubscribe', { subscription: ids[0] })).toBe(true)
    expect(await greedy.subscribe('model=h100')).toMatch(/^0x[0-9a-f]{32}$/)
  })

  it('unsubscribe stops the notifications; a second unsubscribe is false', async () => {
    const s = await subscriber()
    const id = await s.subscribe('')
    expect(await s.client.call('prices_unsubscribe', { subscription: id })).toBe(true)
    expect(await s.client.call('prices_unsubscribe', { subscription: id })).toBe(false)
    const before = s.got.length
    await d.admin.call('provider_setPrice', { pool: 'h100', price: usd(2.05) })
    const watcher = await subscriber()
    await watcher.subscribe('')
    await d.admin.call('provider_setPrice', { pool: 'h100', price: usd(2.04) })
    await waitFor('a control subscriber gets the change', () => watcher.has('h100', 2_040_000))
    expect(s.got.length).toBe(before)
  })

  it('a client that vanishes mid-stream loses its subscriptions; the others go on', async () => {
    const steady = await subscriber()
    await steady.subscribe('')
    const before = d.node.pricing.subscriptions.size
    // no close frame, no unsubscribe: the TCP connection just ends
    const gone = await RawClient.open(d)
    gone.send('{"jsonrpc":"2.0","method":"prices_subscribe","params":{},"id":1}')
    gone.send('{"jsonrpc":"2.0","method":"prices_subscribe","params":{"filter":"model=h100"},"id":2}')
    await waitFor('both subscribed', () => gone.got.filter(m => typeof m.result === 'string').length === 2)
    gone.ws.terminate()
    await waitFor('the server drops its subscriptions', () => d.node.pricing.subscriptions.size === before)
    await d.admin.call('provider_setPrice', { pool: 'h100', price: usd(2.3) })
    await waitFor('the steady subscriber still hears', () => steady.has('h100', 2_300_000))
  })

  it('a client that stops reading is cut off once its send buffer is full; the others go on', async () => {
    const steady = await subscriber()
    await steady.subscribe('model=l40s')
    const before = d.node.pricing.subscriptions.size
    const slow = await RawClient.open(d)
    slow.send('{"jsonrpc":"2.0","method":"prices_subscribe","params":{"filter":"model=h100"},"id":1}')
    await waitFor('subscribed', () => slow.got.some(m => typeof m.result === 'string'))
    let closed = false
    slow.ws.on('close', () => { closed = true })
    // the client reads nothing more: the server's buffer for it grows with every notification
    const socket = (slow.ws as unknown as { _socket: Socket })._socket
    socket.pause()
    const h100 = d.node.pricing.book.list().find(u => u.cpi.pool === 'h100')
    if (h100 == null) throw new Error('no h100 price in the book')
    // far more than MAX_BUFFERED_BYTES plus what the kernel buffers on loopback
    for (let batch = 0; batch < 200 && d.node.pricing.subscriptions.size > before; batch++) {
      for (let i = 0; i < 500; i++) d.node.pricing.subscriptions.deliver(h100)
      await new Promise(resolve => setImmediate(resolve))
    }
    await waitFor('the server drops the slow client and its subscription', () => d.node.pricing.subscriptions.size === before)
    // reading again, the client finds the connection gone (after whatever was buffered)
    socket.resume()
    await waitFor('the slow client sees its connection end', () => closed)
    await d.admin.call('provider_setPrice', { pool: 'l40s', price: usd(1.1) })
    await waitFor('the steady subscriber still hears', () => steady.has('l40s', 1_100_000))
  })

  it('prices_history returns the recorded changes of a CPI, oldest first', async () => {
    const cpi = `cpi:${d.node.peerId.toString()}/h100`
    await d.node.pricing.history.settled()
    const page = await d.anonymous.call<{ cpi: string, updates: PriceView[], more: boolean }>('prices_history', { cpi })
    const prices = page.updates.map(u => u.price.microsPerGpuHour)
    expect(prices.slice(0, 2)).toEqual([2_500_000, 2_100_000])
    expect(prices).toEqual(expect.arrayContaining([2_050_000, 2_040_000, 2_300_000]))
    expect(page.updates.map(u => u.issuedAt)).toEqual([...page.updates.map(u => u.issuedAt)].sort((a, b) => a - b))
    const limited = await d.anonymous.call<{ updates: PriceView[], more: boolean }>('prices_history', { cpi, limit: 1 })
    expect([limited.updates.length, limited.more]).toEqual([1, true])
    expect(await rpcError(d.anonymous.call('prices_history', { cpi: 'cpi:nope/x' }))).toMatchObject({ code: -32602, message: expect.stringContaining('/cpi') })
  })

  it('a set price survives a restart, for a config-declared pool too, until config changes it', async () => {
    await d.admin.call('provider_setPrice', { pool: 'l40s', price: usd(0.7) })
    for (const s of subscribers.splice(0)) s.client.close()
    await d.stop()
    d = await pool.start({ repoPath: d.repoPath, extraFlags: [{ path: 'provider.pools', value: [{ name: 'l40s', model: L40S.model, gpus: L40S.gpus, gpuMemoryMib: L40S.gpuMemoryMib, price: usd(1) }], flag: 'test' }] })
    const pools = await d.anonymous.call<PoolView[]>('provider_pools')
    expect(pools.map(p => [p.name, p.source, p.price.microsPerGpuHour])).toEqual([['h100', 'rpc', 2_300_000], ['l40s', 'config', 700_000]])
    await d.stop()
    // the operator edits the declared price: the declaration is the later word
    d = await pool.start({ repoPath: d.repoPath, extraFlags: [{ path: 'provider.pools', value: [{ name: 'l40s', model: L40S.model, gpus: L40S.gpus, gpuMemoryMib: L40S.gpuMemoryMib, price: usd(1.1) }], flag: 'test' }] })
    expect((await d.anonymous.call<PoolView[]>('provider_pools')).find(p => p.name === 'l40s')?.price.microsPerGpuHour).toBe(1_100_000)
  })
})
