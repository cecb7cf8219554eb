/**
 * A search that did not hear from a provider it knew of says so: right after
 * `node_connect` the new peer's offers are in the search's cache, so a search
 * asks that peer; once the peer stops answering, the result is partial and
 * counts the provider as missing instead of silently leaving its offers out.
 * The provider runs its own DHT (another protocol id), so neither its offer
 * records nor its provider records can stand in for its answer; the consumer
 * has a DHT neighbour of its own, so its provider queries run to their end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DaemonPool, waitFor, type TestDaemon } from '../helpers/daemons.ts'
import { OFFERS_PROTOCOL } from '../../src/discovery/constants.ts'
import type { OfferView } from '../../src/discovery/view.ts'

interface SearchResult { offers: OfferView[], partial: boolean, missingProviders: number, fromCache: boolean }

const H100 = { name: 'h100', model: 'NVIDIA H100 80GB HBM3', gpus: 8, gpuMemoryMib: 81559, region: 'cn-east-1' }

describe('a search and the providers it knows of', () => {
  const pool = new DaemonPool()
  let provider: TestDaemon
  let consumer: TestDaemon
  let neighbour: TestDaemon
  const cpiOf = (d: TestDaemon): string => `cpi:${d.node.peerId.toString()}/h100`

  beforeAll(async () => {
    provider = await pool.start({ extraFlags: [{ path: 'dht.protocol', value: '/cpnet-elsewhere/kad/1.0.0', flag: 'test' }] })
    await provider.admin.call('provider_addPool', H100)
    // a DHT peer of the consumer's own, so its provider queries end rather than wait for peers
    neighbour = await pool.start()
    await neighbour.admin.call('provider_addPool', H100)
    consumer = await pool.start({ bootstrap: [neighbour.addrs[0] as string] })
  })
  afterAll(async () => { await pool.cleanup() })

  it('a search right after connect finds the new peer\'s offers, even when an earlier result is cached', async () => {
    // a result cached before the connect does not hide the new peer
    await waitFor('the neighbour\'s offer found', async () =>
      (await consumer.anonymous.call<SearchResult>('offers_search', { filter: 'model=h100', cache: false })).offers.length === 1)
    expect(await consumer.anonymous.call<SearchResult>('offers_search', { filter: 'model=h100' })).toMatchObject({ fromCache: true })
    const connected = await consumer.admin.call<{ peerId: string, offers: number }>('node_connect', { multiaddr: provider.addrs[0] })
    expect(connected).toMatchObject({ peerId: provider.node.peerId.toString(), offers: 1 })
    const result = await consumer.anonymous.call<SearchResult>('offers_search', { filter: 'model=h100' })
    expect(result.offers.map(o => o.cpi).sort()).toEqual([cpiOf(provider), cpiOf(neighbour)].sort())
    expect(result).toMatchObject({ partial: false, missingProviders: 0 })
  })

  it('a known provider that does not answer makes the result partial, with the count missing', async () => {
    await provider.node.libp2p.unhandle(OFFERS_PROTOCOL)
    const result = await consumer.anonymous.call<SearchResult>('offers_search', { filter: 'model=h100', cache: false })
    expect(result.offers.map(o => o.cpi)).toEqual([cpiOf(neighbour)])
    expect(result).toMatchObject({ partial: true, missingProviders: 1 })
  })
})
