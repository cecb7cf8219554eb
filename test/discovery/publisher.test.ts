/**
 * How often a provider puts its offers in the DHT, on a small in-process
 * network: a burst of capacity changes re-signs the offer at once (the fetch
 * protocol serves the fresh one) but costs one deferred DHT put, not one per
 * change; a price change goes into the DHT at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KadDHT } from '@libp2p/kad-dht'
import { InProcessNetwork, type NetworkNode } from '../../src/testnet/in-process.ts'
import { waitFor } from '../../src/testnet/wait.ts'
import { parseCpi } from '../../src/identity/cpi.ts'
import { offerDhtKey } from '../../src/discovery/record.ts'
import { readDhtRecords } from '../../src/discovery/dht-records.ts'
import { Offer, SignedOffer } from '../../src/discovery/pb/offer.ts'
import { ManualCapacity } from '../helpers/capacity.ts'

const usd = (units: number) => ({ microsPerGpuHour: Math.round(units * 1_000_000), currency: 'USD' })
const POOL = { name: 'h100', model: 'NVIDIA H100 80GB HBM3', gpus: 8, gpuMemoryMib: 81559, price: usd(2) }

describe('offer publication', () => {
  const capacity = new ManualCapacity()
  let net: InProcessNetwork
  let provider: NetworkNode
  let consumer: NetworkNode
  let cpi: string
  let puts = 0

  function offerOf (bytes: Uint8Array | undefined): Offer {
    if (bytes == null) throw new Error('no offer')
    return Offer.decode(SignedOffer.decode(bytes).offer)
  }

  /** The offer a DHT lookup from the consumer finds now. */
  async function inDht (): Promise<Offer | undefined> {
    const { values } = await readDhtRecords(consumer.node.libp2p.services.dht, offerDhtKey(parseCpi(cpi)), AbortSignal.timeout(5_000))
    return values.map(offerOf).sort((a, b) => Number(b.seq - a.seq))[0]
  }

  beforeAll(async () => {
    net = await InProcessNetwork.start({
      size: 4,
      capacity: index => index === 1 ? capacity : undefined,
      // no periodic republication during the test: every put comes from a change
      flags: [
        { path: 'discovery.republishIntervalSec', value: 600, flag: 'test' },
        { path: 'discovery.offerTtlSec', value: 1200, flag: 'test' }
      ]
    })
    await net.ready(2)
    provider = net.node(1)
    consumer = net.node(3)
    cpi = `cpi:${provider.node.peerId.toString()}/h100`
    // count the provider's DHT puts on its real DHT
    const dht: KadDHT = provider.node.libp2p.services.dht
    const put = dht.put.bind(dht)
    dht.put = (...args) => { puts++; return put(...args) }
    await provider.node.inventory.add(POOL)
    await provider.node.discovery.publisher.settled()
    await waitFor('the offer in the DHT', async () => (await inDht())?.resource?.availableGpus === 8, 20_000)
  }, 60_000)
  afterAll(async () => { await net?.stop() })

  it('a burst of capacity changes is served fresh at once and put in the DHT once, after the gap', async () => {
    const before = puts
    for (let free = 7; free >= 1; free--) {
      capacity.set('h100', free)
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    await provider.node.discovery.publisher.settled()
    expect(offerOf(provider.node.discovery.publisher.current().get('h100')).resource?.availableGpus).toBe(1)
    await waitFor('the last capacity in the DHT', async () => (await inDht())?.resource?.availableGpus === 1, 20_000)
    // seven changes in about 150 ms, and puts for capacity alone at least 5 s apart (AVAILABILITY_PUT_GAP_MS): one put, not seven
    expect(puts - before).toBeLessThan(7)
  })

  it('a price change goes into the DHT at once', async () => {
    const before = puts
    await provider.node.inventory.setPrice('h100', usd(1.5))
    await provider.node.discovery.publisher.settled()
    expect(puts).toBe(before + 1)
    expect((await inDht())?.price?.microsPerGpuHour).toBe(1_500_000n)
  })
})
