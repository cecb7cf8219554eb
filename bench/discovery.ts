/**
 * Discovery benchmark, on in-process networks of 10 and 50 nodes (memory
 * transport, test profile):
 * - add→found: a provider adds a pool of a class nobody has seen; a consumer
 *   that never searched for it searches (no cache) until the offer comes back;
 * - cold search: a search that asks the network, once the offer is there;
 * - warm search: the same query answered from the consumer's cache;
 * - raw kad-dht findProviders for the same capability key on the same network,
 *   and the ratio cold search / findProviders (the cost of fetching and
 *   verifying the offers on top of the bare DHT lookup).
 */
import drain from 'it-drain'
import type { NetworkNode } from '../src/testnet/in-process.ts'
import { startBenchNetwork } from './network.ts'
import { capabilityCid, classKey } from '../src/discovery/capability.ts'
import { resourceClass } from '../src/inventory/classes.ts'
import { printTable, round, summarize, type Summary } from './stats.ts'

export interface DiscoveryRow {
  nodes: number
  addToFoundMs: Summary
  coldSearchMs: Summary
  warmSearchMs: Summary
  findProvidersMs: Summary
  /** p50 cold search / p50 findProviders */
  ratio: number
}

const SIZES = (process.env.CPNET_BENCH_SIZES ?? '10,50').split(',').map(Number)
const ADD_TRIALS = 20
const LOOKUPS = 15
const WARM_LOOKUPS = 100
const SEARCH_TIMEOUT_MS = 5_000
const POLL_MS = 10

function elapsed (since: number): number {
  return performance.now() - since
}

async function runSize (size: number, log: (line: string) => void): Promise<DiscoveryRow> {
  const started = performance.now()
  const net = await startBenchNetwork({ size })
  try {
    await net.ready(1, 60_000)
    log(`  ${size} nodes up in ${round(elapsed(started) / 1000)} s`)
    const provider = net.node(1)
    const consumers: NetworkNode[] = net.nodes.filter(n => n.index > 1)

    const addToFound: number[] = []
    let lastClass = ''
    for (let trial = 0; trial < ADD_TRIALS; trial++) {
      const model = `Bench GPU ${size}-${trial}`
      lastClass = resourceClass('nvidia', model)
      const consumer = consumers[trial % consumers.length] as NetworkNode
      const t0 = performance.now()
      await provider.node.inventory.add({ name: `bench-${trial}`, model, gpus: 8, gpuMemoryMib: 81920 })
      for (;;) {
        const result = await consumer.node.discovery.search.search({ filter: `class=${lastClass}`, cache: false, timeoutMs: SEARCH_TIMEOUT_MS })
        if (result.offers.length > 0) break
        if (elapsed(t0) > 60_000) throw new Error(`offer of ${lastClass} not found after 60 s`)
        await new Promise(resolve => setTimeout(resolve, POLL_MS))
      }
      addToFound.push(elapsed(t0))
      log(`  add→found ${trial + 1}/${ADD_TRIALS}: ${round(elapsed(t0))} ms`)
    }

    const consumer = consumers[consumers.length - 1] as NetworkNode
    const cid = await capabilityCid(classKey(lastClass))
    const cold: number[] = []
    const raw: number[] = []
    let rawTimeouts = 0
    let partialSearches = 0
    for (let i = 0; i < LOOKUPS; i++) {
      let t0 = performance.now()
      // a lookup still running at the deadline counts as the deadline, as a partial search does
      await drain(consumer.node.libp2p.services.dht.findProviders(cid, { signal: AbortSignal.timeout(SEARCH_TIMEOUT_MS) })).catch(() => { rawTimeouts++ })
      raw.push(elapsed(t0))
      t0 = performance.now()
      const result = await consumer.node.discovery.search.search({ filter: `class=${lastClass}`, cache: false, timeoutMs: SEARCH_TIMEOUT_MS })
      cold.push(elapsed(t0))
      if (result.partial) partialSearches++
    }
    if (rawTimeouts + partialSearches > 0) log(`  ${rawTimeouts} findProviders and ${partialSearches} searches of ${LOOKUPS} ran into the ${SEARCH_TIMEOUT_MS} ms deadline`)

    const warm: number[] = []
    await consumer.node.discovery.search.search({ filter: `class=${lastClass}`, timeoutMs: SEARCH_TIMEOUT_MS })
    for (let i = 0; i < WARM_LOOKUPS; i++) {
      const t0 = performance.now()
      const result = await consumer.node.discovery.search.search({ filter: `class=${lastClass} gpus>=1`, timeoutMs: SEARCH_TIMEOUT_MS })
      warm.push(elapsed(t0))
      if (!result.fromCache) log('  (a warm search missed the cache: its offer had just expired)')
    }
    const coldSummary = summarize(cold)
    const rawSummary = summarize(raw)
    return {
      nodes: size,
      addToFoundMs: summarize(addToFound),
      coldSearchMs: coldSummary,
      warmSearchMs: summarize(warm),
      findProvidersMs: rawSummary,
      ratio: round(coldSummary.p50 / rawSummary.p50, 2)
    }
  } finally {
    await net.stop()
  }
}

export interface DiscoveryResult {
  rows: DiscoveryRow[]
  table: string
}

export async function runDiscovery (log: (line: string) => void): Promise<DiscoveryResult> {
  const rows: DiscoveryRow[] = []
  for (const size of SIZES) {
    log(`discovery: ${size} nodes`)
    rows.push(await runSize(size, log))
  }
  const table = printTable(
    ['nodes', 'add→found p50', 'p99', 'cold search p50', 'p99', 'warm p50', 'p99', 'findProviders p50', 'p99', 'cold/findProviders'],
    rows.map(r => [r.nodes, r.addToFoundMs.p50, r.addToFoundMs.p99, r.coldSearchMs.p50, r.coldSearchMs.p99, r.warmSearchMs.p50, r.warmSearchMs.p99, r.findProvidersMs.p50, r.findProvidersMs.p99, r.ratio])
  )
  return { rows, table }
}
