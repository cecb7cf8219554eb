/**
 * Discovery across a real in-process network: 20 daemons on the memory
 * transport, 6 providers of mixed classes and regions, one attacker, 13
 * consumers. Every consumer runs every filter of the table and must get
 * exactly the matching offers; forged, expired, replayed, oversize and
 * namespace-less records are never stored by honest nodes nor returned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Key } from 'interface-datastore'
import { toString as toBase32 } from 'uint8arrays/to-string'
import { fromString as utf8 } from 'uint8arrays/from-string'
import drain from 'it-drain'
import type { PeerId } from '@libp2p/interface'
import { InProcessNetwork, type NetworkNode } from '../../src/testnet/in-process.ts'
import { waitFor } from '../../src/testnet/wait.ts'
import type { PoolSpec } from '../../src/config/pool-schema.ts'
import { resolvePool } from '../../src/inventory/pool.ts'
import { buildOffer } from '../../src/discovery/offer.ts'
import { signOffer } from '../../src/discovery/signed-offer.ts'
import { Offer, SignedOffer } from '../../src/discovery/pb/offer.ts'
import { readDhtRecords } from '../../src/discovery/dht-records.ts'
import { offerDhtKey } from '../../src/discovery/record.ts'
import { parseCpi } from '../../src/identity/cpi.ts'
import { ALL_KEY, capabilityCid, classKey } from '../../src/discovery/capability.ts'
import { offersHandler } from '../../src/discovery/fetch-handler.ts'
import { OFFERS_PROTOCOL } from '../../src/discovery/constants.ts'
import { silentLogger } from '../../src/log/logger.ts'
import type { SearchHit } from '../../src/discovery/search.ts'

const SIZE = 20
const ATTACKER = 7
const SEARCH_TIMEOUT_MS = 8_000

const usd = (units: number) => ({ microsPerGpuHour: Math.round(units * 1_000_000), currency: 'USD' })

/** Provider index → its pools. Names double as the expected results below. */
const PROVIDERS: Record<number, PoolSpec[]> = {
  1: [{ name: 'h100', model: 'NVIDIA H100 80GB HBM3', gpus: 8, gpuMemoryMib: 81559, interconnect: 'nvlink', region: 'cn-east-1', labels: ['spot'], price: usd(2.5) }],
  2: [{ name: 'h100x4', model: 'NVIDIA H100 80GB HBM3', gpus: 4, gpuMemoryMib: 81559, interconnect: 'nvlink', region: 'us-west-2', labels: ['reserved'], price: usd(3.1) }],
  3: [{ name: 'a100', model: 'NVIDIA A100-SXM4-80GB', gpus: 8, gpuMemoryMib: 81920, interconnect: 'nvlink', region: 'cn-east-1', price: usd(1.8) }],
  4: [{ name: 'rtx4090', model: 'NVIDIA GeForce RTX 4090', gpus: 2, gpuMemoryMib: 24564, region: 'eu-central-1', labels: ['spot', 'consumer'], price: usd(0.4) }],
  5: [{ name: 'l40s', model: 'NVIDIA L40S', gpus: 4, gpuMemoryMib: 46068, region: 'cn-north-2', price: usd(1.0) }],
  6: [
    { name: 'a100-40', model: 'NVIDIA A100-PCIE-40GB', gpus: 2, gpuMemoryMib: 40960, region: 'us-west-2', price: usd(1.2) },
    { name: 'rtx4090', model: 'NVIDIA GeForce RTX 4090', gpus: 1, gpuMemoryMib: 24564, region: 'eu-central-1', price: usd(0.35) }
  ]
}
const ALL = ['p1/h100', 'p2/h100x4', 'p3/a100', 'p4/rtx4090', 'p5/l40s', 'p6/a100-40', 'p6/rtx4090']

/** Filter → the offers it must return, as p<provider>/<pool>, written by hand. */
const FILTERS: Array<[string, string[]]> = [
  ['', ALL],
  ['class=gpu/nvidia/h100-80gb-hbm3', ['p1/h100', 'p2/h100x4']],
  ['model=h100', ['p1/h100', 'p2/h100x4']],
  ['model=a100', ['p3/a100', 'p6/a100-40']],
  ['model="RTX 4090"', ['p4/rtx4090', 'p6/rtx4090']],
  ['gpus>=4', ['p1/h100', 'p2/h100x4', 'p3/a100', 'p5/l40s']],
  ['gpu_mem>=80', ['p1/h100', 'p2/h100x4', 'p3/a100']],
  ['gpu_mem>=40 gpu_mem<80', ['p5/l40s', 'p6/a100-40']],
  ['price<=1.2', ['p4/rtx4090', 'p5/l40s', 'p6/a100-40', 'p6/rtx4090']],
  ['region=cn-east-1', ['p1/h100', 'p3/a100']],
  ['region=us-west-2 price<3', ['p6/a100-40']],
  ['label=spot', ['p1/h100', 'p4/rtx4090']],
  ['label!=spot region=eu-central-1', ['p6/rtx4090']],
  ['interconnect=nvlink gpus>=8', ['p1/h100', 'p3/a100']],
  ['interconnect=pcie', ['p4/rtx4090', 'p5/l40s', 'p6/a100-40', 'p6/rtx4090']],
  ['class=gpu/nvidia/l40s region=cn-north-2 gpus>=4 price<=1', ['p5/l40s']],
  ['model=h100 region=eu-central-1', []]
]

let net: InProcessNetwork
/** The attacker's forged offer for the victim's CPI, as it tried to put it. */
let forgedBytes: Uint8Array = new Uint8Array(0)
const nameOf = new Map<string, string>()

async function recordStored (n: NetworkNode, key: Uint8Array): Promise<boolean> {
  return n.node.datastore.has(new Key(`/dht/record/${toBase32(key, 'base32')}`))
}

function labelOf (hit: SearchHit): string {
  return `${nameOf.get(hit.verified.cpi.peerId.toString()) ?? 'unknown'}/${hit.verified.cpi.pool}`
}

/** Runs `fn` for every item, a few at a time: 13 nodes searching at once would only measure the two cores. */
async function inBatches<T, R> (items: T[], fn: (item: T) => Promise<R>, size = 4): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < items.length; i += size) out.push(...await Promise.all(items.slice(i, i + size).map(fn)))
  return out
}

function consumers (): NetworkNode[] {
  return net.nodes.filter(n => PROVIDERS[n.index] == null && n.index !== ATTACKER)
}

/** A search as a user runs it; `cache: false` asks the network even when the cache could answer. */
async function search (n: NetworkNode, filter: string, cache = false): Promise<{ labels: string[], hits: SearchHit[], partial: boolean }> {
  const result = await n.node.discovery.search.search({ filter, cache, timeoutMs: SEARCH_TIMEOUT_MS, limit: 100 })
  return { labels: result.offers.map(labelOf).sort(), hits: result.offers, partial: result.partial }
}

beforeAll(async () => {
  // a generous per-provider step: 13 consumers search at once on two cores
  net = await InProcessNetwork.start({ size: SIZE, flags: [{ path: 'discovery.fetchTimeoutMs', value: 5_000, flag: 'test' }] })
  await net.ready(3)
  for (const [index, pools] of Object.entries(PROVIDERS)) {
    const provider = net.node(Number(index))
    nameOf.set(provider.node.peerId.toString(), `p${index}`)
    for (const spec of pools) await provider.node.inventory.add(spec)
  }
  await Promise.all(Object.keys(PROVIDERS).map(async i => net.node(Number(i)).node.discovery.publisher.settled()))
  const probe = consumers()[0] as NetworkNode
  await waitFor('every offer findable', async () => (await search(probe, '')).labels.length === ALL.length, 30_000, 200)
})

afterAll(async () => { await net?.stop() })

describe('search from every consumer', () => {
  it('has at least 20 nodes, 6 providers and a provider role on exactly those', () => {
    expect(net.nodes.length).toBeGreaterThanOrEqual(20)
    expect(net.nodes.filter(n => n.node.role === 'provider').map(n => n.index).sort()).toEqual(Object.keys(PROVIDERS).map(Number).sort())
  })

  // The first filter asks the network from every consumer; the others run as a user's
  // would, from the cache when it holds a result for the same capability key. The DHT is
  // eventually consistent (on two loaded cores a provide can reach few peers at first),
  // so a consumer may retry, asking the network, until it has the full set; but no answer,
  // first or later, may ever hold an offer that does not match.
  it.each(FILTERS)('filter %j returns exactly the matching offers', async (filter, expected) => {
    const want = [...expected].sort()
    await inBatches(consumers(), async n => {
      let cache = filter !== ''
      await waitFor(`consumer ${n.index} to find exactly ${want.join(', ')}`, async () => {
        const r = await search(n, filter, cache)
        cache = false
        expect({ consumer: n.index, unexpected: r.labels.filter(l => !want.includes(l)) }).toEqual({ consumer: n.index, unexpected: [] })
        return r.labels.length === want.length
      }, 30_000, 200)
    })
  })

  it('sorts by price, by free GPUs and by RTT, and cuts to the limit', async () => {
    const n = consumers()[1] as NetworkNode
    const byPrice = await n.node.discovery.search.search({ filter: '', sort: 'price', cache: false, timeoutMs: SEARCH_TIMEOUT_MS })
    expect(byPrice.offers.map(labelOf)).toEqual(['p6/rtx4090', 'p4/rtx4090', 'p5/l40s', 'p6/a100-40', 'p3/a100', 'p1/h100', 'p2/h100x4'])
    const byFree = await n.node.discovery.search.search({ filter: '', sort: 'free', limit: 3, cache: false, timeoutMs: SEARCH_TIMEOUT_MS })
    expect(byFree.offers.map(h => h.verified.offer.resource?.availableGpus)).toEqual([8, 8, 4])
    const byRtt = await n.node.discovery.search.search({ filter: '', sort: 'rtt', cache: false, timeoutMs: SEARCH_TIMEOUT_MS })
    const rtts = byRtt.offers.map(h => h.rttMs ?? Infinity)
    expect(rtts).toEqual([...rtts].sort((a, b) => a - b))
  })

  it('answers a repeat query from the cache', async () => {
    const n = consumers()[2] as NetworkNode
    const first = await n.node.discovery.search.search({ filter: 'class=gpu/nvidia/a100-sxm4-80gb', timeoutMs: SEARCH_TIMEOUT_MS })
    const second = await n.node.discovery.search.search({ filter: 'class=gpu/nvidia/a100-sxm4-80gb gpus>=8', timeoutMs: SEARCH_TIMEOUT_MS })
    expect(first.fromCache).toBe(false)
    expect(second.fromCache).toBe(true)
    expect(second.offers.map(labelOf)).toEqual(['p3/a100'])
  })

  it('offers_get returns the current offer of a CPI', async () => {
    const cpi = `cpi:${net.node(3).node.peerId.toString()}/a100`
    const hit = await (consumers()[3] as NetworkNode).node.discovery.search.get(cpi, SEARCH_TIMEOUT_MS)
    expect(hit.verified.offer.cpi).toBe(cpi)
    expect(hit.source).toBe('direct')
  })
})

describe('records that are rejected and never returned', () => {
  let attacker: NetworkNode
  const served = new Map<string, Uint8Array>()
  const keys: Record<string, Uint8Array> = {}
  let replayedSeq = 0n

  async function attackerOffer (owner: PeerId, spec: PoolSpec, patch: Partial<Offer> = {}): Promise<Offer> {
    const pool = resolvePool(spec, attacker.node.config.provider, 'rpc')
    const now = Date.now()
    return { ...buildOffer(pool, { peerId: owner, seq: now + 1_000_000, now, ttlMs: 60_000, availableGpus: pool.gpus, addrs: [] }), ...patch }
  }

  async function put (key: Uint8Array, value: Uint8Array): Promise<void> {
    await drain(attacker.node.libp2p.services.dht.put(key, value, { signal: AbortSignal.timeout(10_000) })).catch(() => {})
  }

  beforeAll(async () => {
    attacker = net.node(ATTACKER)
    const key = attacker.node.repo.privateKey
    const victim = net.node(1).node.peerId
    const h100 = PROVIDERS[1]?.[0] as PoolSpec

    // 1. another key claims the victim's CPI, at a lower price and a higher seq
    const forged = await signOffer(await attackerOffer(victim, { ...h100, price: usd(0.01) }), key)
    forgedBytes = forged
    keys.forged = offerDhtKey(parseCpi(`cpi:${victim.toString()}/h100`))
    served.set('h100', forged)

    // 2. the attacker's own offer, validly signed, already expired
    const now = Date.now()
    const expired = await signOffer(await attackerOffer(attacker.node.peerId, { ...h100, name: 'expired' }, { issuedAt: BigInt(now - 120_000), expiresAt: BigInt(now - 60_000) }), key)
    keys.expired = offerDhtKey(parseCpi(`cpi:${attacker.node.peerId.toString()}/expired`))
    served.set('expired', expired)

    // 3. an oversize record, validly signed
    const bigOffer = Offer.encode(await attackerOffer(attacker.node.peerId, { ...h100, name: 'big' }, { labels: Array.from({ length: 16 }, (_, i) => `label-${i}-${'x'.repeat(40)}`), region: 'x'.repeat(3000) }))
    const oversize = SignedOffer.encode({ offer: bigOffer, signature: new Uint8Array(await key.sign(bigOffer)) })
    keys.oversize = offerDhtKey(parseCpi(`cpi:${attacker.node.peerId.toString()}/big`))
    served.set('big', oversize)

    // 4. a valid offer of the attacker's, under a key with no namespace
    keys.noNamespace = utf8('/no-namespace-' + attacker.node.peerId.toString())
    const plain = await signOffer(await attackerOffer(attacker.node.peerId, { ...h100, name: 'plain' }), key)

    // 5. a replay: provider 3's current offer, captured, then superseded by a price change
    const p3 = net.node(3).node
    const old = p3.discovery.publisher.current().get('a100') as Uint8Array
    replayedSeq = Offer.decode(SignedOffer.decode(old).offer).seq
    await p3.inventory.add({ ...(PROVIDERS[3]?.[0] as PoolSpec), price: usd(1.7) })
    await p3.discovery.publisher.settled()
    keys.replayed = offerDhtKey(parseCpi(`cpi:${p3.peerId.toString()}/a100`))

    // the attacker serves its forgeries over the fetch protocol and advertises them
    await attacker.node.libp2p.handle(OFFERS_PROTOCOL, offersHandler(() => served, silentLogger()), { force: true })
    for (const k of [ALL_KEY, classKey('gpu/nvidia/h100-80gb-hbm3')]) {
      await drain(attacker.node.libp2p.services.dht.provide(await capabilityCid(k), { signal: AbortSignal.timeout(10_000) }))
    }
    await put(keys.forged, forged)
    await put(keys.expired, expired)
    await put(keys.oversize, oversize)
    await put(keys.noNamespace, plain)
    await put(keys.replayed, old)
  })

  it('no honest node stores a forged, expired, oversize or namespace-less record', async () => {
    const honest = net.nodes.filter(n => n.index !== ATTACKER)
    for (const name of ['expired', 'oversize', 'noNamespace'] as const) {
      const stored = await Promise.all(honest.map(async n => recordStored(n, keys[name] as Uint8Array)))
      expect({ name, stored: stored.filter(Boolean).length }).toEqual({ name, stored: 0 })
    }
    // the forged record never replaces the genuine one: whoever holds the key holds the victim's own offer
    for (const n of honest) {
      if (!await recordStored(n, keys.forged as Uint8Array)) continue
      const value = await n.node.datastore.get(new Key(`/dht/record/${toBase32(keys.forged as Uint8Array, 'base32')}`))
      // the forged signed offer's bytes, not a text that a timestamp in the genuine record can hold too
      const latin1 = new TextDecoder('latin1')
      expect(forgedBytes.length).toBeGreaterThan(0)
      expect(latin1.decode(value).includes(latin1.decode(forgedBytes))).toBe(false)
    }
    // and the genuine records are stored somewhere, so the check above can fail
    const genuine = await Promise.all(honest.map(async n => recordStored(n, keys.replayed as Uint8Array)))
    expect(genuine.some(Boolean)).toBe(true)
  })

  it('no consumer returns any of them, and the replayed seq loses to the newer one', async () => {
    const p3 = `cpi:${net.node(3).node.peerId.toString()}/a100`
    for (const n of consumers()) {
      const { hits } = await search(n, '')
      const cpis = hits.map(h => h.verified.offer.cpi)
      expect(cpis.filter(c => c.startsWith(`cpi:${attacker.node.peerId.toString()}/`))).toEqual([])
      expect(hits.filter(h => h.verified.offer.price?.microsPerGpuHour === 10_000n)).toEqual([])
      const a100 = hits.find(h => h.verified.offer.cpi === p3)
      expect(a100?.verified.offer.price?.microsPerGpuHour).toBe(1_700_000n)
      expect(a100?.verified.offer.seq).toBeGreaterThan(replayedSeq)
    }
  })

  it('a DHT lookup of the replayed key yields the newest seq, even when a peer refuses the correction', async () => {
    const n = consumers()[4] as NetworkNode
    // kad-dht's get throws when a peer holding the old record does not take the newer one;
    // the records the peers answered with are kept (src/discovery/dht-records.ts)
    const { values } = await readDhtRecords(n.node.libp2p.services.dht, keys.replayed as Uint8Array, AbortSignal.timeout(10_000))
    expect(values.length).toBeGreaterThan(0)
    const seqs = values.map(v => Offer.decode(SignedOffer.decode(v).offer).seq)
    expect(seqs.reduce((a, b) => (a > b ? a : b))).toBeGreaterThan(replayedSeq)
  })
})

describe('providers that leave, come back and withdraw', () => {
  it('a removed pool is withdrawn: searches stop returning it and offers_get finds none', async () => {
    const p6 = net.node(6).node
    const cpi = `cpi:${p6.peerId.toString()}/rtx4090`
    await p6.inventory.remove('rtx4090')
    await p6.discovery.publisher.settled()
    for (const n of consumers()) {
      expect((await search(n, 'model=rtx-4090')).labels).toEqual(['p4/rtx4090'])
    }
    await expect((consumers()[0] as NetworkNode).node.discovery.search.get(cpi, SEARCH_TIMEOUT_MS)).rejects.toThrow(/no valid offer/)
  })

  it('a stopped provider disappears within its validity window; restarted, it keeps its CPI and seq rises', async () => {
    const before = await search(consumers()[0] as NetworkNode, 'class=gpu/nvidia/l40s')
    expect(before.labels).toEqual(['p5/l40s'])
    const seqBefore = before.hits[0]?.verified.seq ?? 0
    const cachedConsumer = consumers()[5] as NetworkNode
    expect((await cachedConsumer.node.discovery.search.search({ filter: 'model=l40s', timeoutMs: SEARCH_TIMEOUT_MS })).offers).toHaveLength(1)

    await net.stopNode(5)
    const validityMs = net.node(0).node.config.discovery.offerTtlSec * 1000
    await waitFor('l40s gone from a fresh search', async () => (await search(consumers()[0] as NetworkNode, 'class=gpu/nvidia/l40s')).labels.length === 0, validityMs * 2, 250)
    await waitFor('l40s gone from a cached search', async () =>
      (await cachedConsumer.node.discovery.search.search({ filter: 'model=l40s', timeoutMs: SEARCH_TIMEOUT_MS })).offers.length === 0, validityMs * 2, 250)

    const restarted = await net.startNode(5)
    expect(restarted.node.inventory.list().map(p => p.name)).toEqual(['l40s'])
    nameOf.set(restarted.node.peerId.toString(), 'p5')
    await waitFor('l40s back', async () => (await search(consumers()[1] as NetworkNode, 'class=gpu/nvidia/l40s')).labels.length === 1, 30_000, 250)
    const after = await search(consumers()[1] as NetworkNode, 'class=gpu/nvidia/l40s')
    expect(after.hits[0]?.verified.offer.cpi).toBe(before.hits[0]?.verified.offer.cpi)
    expect(after.hits[0]?.verified.seq).toBeGreaterThan(seqBefore)
  })
})
