/**
 * Live-price benchmark, on in-process networks of 10 and 50 nodes (memory
 * transport, test profile), one provider:
 * - price change: from the provider's setPrice (what provider_setPrice runs:
 *   the override written to LevelDB, a seq allocated, the update signed and
 *   published) until every other node's price book holds the new price;
 * - price publish: the same change from the moment the update is published
 *   (it enters the provider's own book) until every other node's book holds
 *   it: the network part. The difference is the provider's local work, nearly
 *   all of it the one LevelDB write that makes the price survive a restart;
 *   with 20 to 100 LevelDBs in one process on two cores, the first write after
 *   a pause takes 10 ms (10 nodes) to 100 ms (50 nodes) here, while a daemon
 *   on its own goes from setPrice to a published update in about 1 ms (p50);
 * - raw gossipsub: a publish of random bytes of the same size on another
 *   topic of the same nodes and connections (no validator, no signing beyond
 *   gossipsub's own), until every other node has received it;
 * - the ratios to raw gossipsub, at p50 and at p99.
 * Trials alternate between the two. A price change also re-publishes the
 * pool's offer (DHT puts, validated by 20 in-process peers): that is let
 * finish before the raw trial, so neither kind runs on the other's load.
 */
import { randomBytes } from 'node:crypto'
import type { NetworkNode } from '../src/testnet/in-process.ts'
import { startBenchNetwork } from './network.ts'
import { waitFor } from '../src/testnet/wait.ts'
import { PRICES_TOPIC } from '../src/pricing/constants.ts'
import { printTable, round, summarize, type Summary } from './stats.ts'

export interface PricingRow {
  nodes: number
  trials: number
  /** Bytes of gossipsub data per message (the encoded SignedPriceUpdate, and the raw payload). */
  payloadBytes: number
  priceChangeMs: Summary
  pricePublishMs: Summary
  rawGossipMs: Summary
  /** price change / raw gossipsub, at p50 and p99 */
  ratioP50: number
  ratioP99: number
  /** price publish / raw gossipsub, at p50 and p99 */
  publishRatioP50: number
  publishRatioP99: number
  /** Trials in which some node had not got the message after TRIAL_TIMEOUT_MS (left out of the figures). */
  missed: { price: number, raw: number }
}

const SIZES = (process.env.CPNET_BENCH_SIZES ?? '10,50').split(',').map(Number)
const TRIALS = 100
/** Gossipsub gives no delivery guarantee: a node left without mesh peers for a moment can miss a message for good. */
const TRIAL_TIMEOUT_MS = 5_000
const RAW_TOPIC = '/cpnet/bench/raw/1.0.0'
const POOL = { name: 'bench', model: 'NVIDIA H100 80GB HBM3', gpus: 8, gpuMemoryMib: 81559, region: 'cn-east-1' }

interface MeshView {
  getMeshPeers: (topic: string) => string[]
}

/** Resolves with the time the last of `count` arrivals happened, or with undefined after the deadline. */
class Arrivals {
  private readonly seen = new Set<number>()
  private readonly done = Promise.withResolvers<number | undefined>()
  private last = 0
  private readonly timer: NodeJS.Timeout

  constructor (private readonly count: number) {
    this.timer = setTimeout(() => { this.done.resolve(undefined) }, TRIAL_TIMEOUT_MS)
  }

  arrived (index: number): void {
    if (this.seen.has(index)) return
    this.seen.add(index)
    this.last = performance.now()
    if (this.seen.size === this.count) {
      clearTimeout(this.timer)
      this.done.resolve(this.last)
    }
  }

  get all (): Promise<number | undefined> {
    return this.done.promise
  }
}

async function runSize (size: number, log: (line: string) => void): Promise<PricingRow> {
  const started = performance.now()
  const net = await startBenchNetwork({ size })
  try {
    await net.ready(3, 60_000)
    const provider = net.node(1)
    const others: NetworkNode[] = net.nodes.filter(n => n.index !== provider.index)
    await provider.node.inventory.add({ ...POOL, price: { microsPerGpuHour: 1_000_000, currency: 'USD' } })
    const cpi = `cpi:${provider.node.peerId.toString()}/${POOL.name}`

    let priceTrial: { micros: number, arrivals: Arrivals } | undefined
    let rawTrial: { nonce: string, arrivals: Arrivals } | undefined
    let publishedAt = 0
    provider.node.pricing.book.onUpdate(update => {
      if (update.update.cpi === cpi && Number(update.update.price?.microsPerGpuHour) === priceTrial?.micros) publishedAt = performance.now()
    })
    for (const n of others) {
      n.node.pricing.book.onUpdate(update => {
        if (update.update.cpi === cpi && Number(update.update.price?.microsPerGpuHour) === priceTrial?.micros) priceTrial.arrivals.arrived(n.index)
      })
      const pubsub = n.node.libp2p.services.pubsub
      pubsub.subscribe(RAW_TOPIC)
      pubsub.addEventListener('message', evt => {
        if (evt.detail.topic !== RAW_TOPIC || rawTrial == null) return
        if (Buffer.from(evt.detail.data.subarray(0, 8)).toString('hex') === rawTrial.nonce) rawTrial.arrivals.arrived(n.index)
      })
    }
    provider.node.libp2p.services.pubsub.subscribe(RAW_TOPIC)
    // every node in both meshes, then one untimed round of each, so that no trial pays for a path still forming
    await waitFor('meshes on both topics', () => net.nodes.every(n => {
      const mesh = n.node.libp2p.services.pubsub as unknown as MeshView
      return mesh.getMeshPeers(PRICES_TOPIC).length > 0 && mesh.getMeshPeers(RAW_TOPIC).length > 0
    }), 60_000)
    await waitFor('the first price everywhere', () => others.every(n => n.node.pricing.book.get(cpi) != null), 60_000)
    const payloadBytes = provider.node.pricing.book.get(cpi)?.bytes.byteLength ?? 0
    log(`  ${size} nodes up and meshed in ${round((performance.now() - started) / 1000)} s; updates are ${payloadBytes} bytes`)

    const price: number[] = []
    const published: number[] = []
    const missed = { price: 0, raw: 0 }
    const raw: number[] = []
    // trial -1 is a warm-up, not counted
    for (let trial = -1; trial < TRIALS; trial++) {
      const micros = 2_000_000 + (trial + 1) * 1000 + size
      priceTrial = { micros, arrivals: new Arrivals(others.length) }
      const t0Price = performance.now()
      await provider.node.inventory.setPrice(POOL.name, { microsPerGpuHour: micros, currency: 'USD' })
      const allAt = await priceTrial.arrivals.all
      // the change also re-publishes the offer (DHT puts to 20 peers): let that finish before the raw trial
      await provider.node.discovery.publisher.settled()

      const payload = randomBytes(payloadBytes)
      rawTrial = { nonce: payload.subarray(0, 8).toString('hex'), arrivals: new Arrivals(others.length) }
      const t0 = performance.now()
      await provider.node.libp2p.services.pubsub.publish(RAW_TOPIC, payload)
      const rawAt = await rawTrial.arrivals.all
      if (trial < 0) continue
      if (allAt != null) {
        price.push(allAt - t0Price)
        published.push(allAt - publishedAt)
      } else missed.price++
      if (rawAt != null) raw.push(rawAt - t0)
      else missed.raw++
      if ((trial + 1) % 25 === 0) log(`  ${trial + 1}/${TRIALS}: price change ${round(price.at(-1) ?? NaN)} ms, raw ${round(raw.at(-1) ?? NaN)} ms`)
    }
    if (missed.price + missed.raw > 0) log(`  missed by some node within ${TRIAL_TIMEOUT_MS} ms: ${missed.price} price changes, ${missed.raw} raw publishes`)
    const priceChangeMs = summarize(price)
    const pricePublishMs = summarize(published)
    const rawGossipMs = summarize(raw)
    return {
      nodes: size,
      trials: TRIALS,
      payloadBytes,
      priceChangeMs,
      pricePublishMs,
      rawGossipMs,
      ratioP50: round(priceChangeMs.p50 / rawGossipMs.p50, 2),
      ratioP99: round(priceChangeMs.p99 / rawGossipMs.p99, 2),
      publishRatioP50: round(pricePublishMs.p50 / rawGossipMs.p50, 2),
      publishRatioP99: round(pricePublishMs.p99 / rawGossipMs.p99, 2),
      missed
    }
  } finally {
    await net.stop()
  }
}

export interface PricingResult {
  rows: PricingRow[]
  table: string
}

export async function runPricing (log: (line: string) => void): Promise<PricingResult> {
  const rows: PricingRow[] = []
  for (const size of SIZES) {
    log(`pricing: ${size} nodes`)
    rows.push(await runSize(size, log))
  }
  const table = printTable(
    ['nodes', 'trials', 'missed', 'bytes', 'change→100% p50', 'p99', 'publish→100% p50', 'p99', 'raw gossipsub→100% p50', 'p99', 'change/raw p50', 'p99', 'publish/raw p50', 'p99'],
    rows.map(r => [r.nodes, r.trials, `${r.missed.price}/${r.missed.raw}`, r.payloadBytes, r.priceChangeMs.p50, r.priceChangeMs.p99, r.pricePublishMs.p50, r.pricePublishMs.p99,
      r.rawGossipMs.p50, r.rawGossipMs.p99, r.ratioP50, r.ratioP99, r.publishRatioP50, r.publishRatioP99])
  )
  return { rows, table }
}
