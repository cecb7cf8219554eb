/**
 * Lease benchmark, on an in-process network (memory transport): one provider
 * with a 1024-GPU pool, and 1, 10 and 50 consumers negotiating at once.
 * - negotiation latency: lease_request's path from the consumer's call to the
 *   verified Grant (Request, Quote, Accept, synced commit, Grant);
 * - leases per second the provider grants under that concurrency;
 * - raw: a bare request/response (one frame each way, the size of a
 *   LeaseRequest) on a new stream over the same connections, same
 *   concurrency, and the ratio lease p50 / raw p50.
 */
import { randomBytes } from 'node:crypto'
import { lpStream } from '@libp2p/utils'
import type { NetworkNode } from '../src/testnet/in-process.ts'
import { startBenchNetwork } from './network.ts'
import { printTable, round, summarize, type Summary } from './stats.ts'

const CONCURRENCY = (process.env.CPNET_BENCH_CONSUMERS ?? '1,10,50').split(',').map(Number)
/** Leases per level, spread over the consumers. */
const LEASES_PER_LEVEL = 500
const POOL_GPUS = 1024
const ECHO_PROTOCOL = '/cpnet/bench/echo/1.0.0'
const REQUEST_BYTES = 110
const SETTLE_MS = 5_000

export interface LeaseRow {
  consumers: number
  leases: number
  negotiationMs: Summary
  leasesPerSec: number
  rawMs: Summary
  /** p50 negotiation / p50 raw round trip */
  ratio: number
  /** Lease requests and raw round trips that ended in an error, by error name (none on a healthy run). */
  failedLeases: Record<string, number>
  failedRaw: Record<string, number>
}

interface Timed {
  samples: number[]
  wallMs: number
  failed: Record<string, number>
}

/**
 * Runs `perConsumer` sequential operations on each consumer at once; returns
 * the latencies of those that succeeded, the wall time, and the failures by
 * error name (counted, so that one failure does not end the benchmark).
 */
async function timed (consumers: NetworkNode[], perConsumer: number, op: (c: NetworkNode) => Promise<unknown>): Promise<Timed> {
  const samples: number[] = []
  const failed: Record<string, number> = {}
  const started = performance.now()
  await Promise.all(consumers.map(async c => {
    for (let i = 0; i < perConsumer; i++) {
      const t0 = performance.now()
      try {
        await op(c)
        samples.push(performance.now() - t0)
      } catch (err) {
        const name = (err as Error).name ?? 'Error'
        failed[name] = (failed[name] ?? 0) + 1
      }
    }
  }))
  return { samples, wallMs: performance.now() - started, failed }
}

function formatFailures (failed: Record<string, number>): string {
  const entries = Object.entries(failed)
  return entries.length === 0 ? '0' : entries.map(([name, n]) => `${n} ${name}`).join(', ')
}

export async function runLease (log: (line: string) => void): Promise<{ rows: LeaseRow[], table: string }> {
  const maxConsumers = Math.max(...CONCURRENCY)
  const started = performance.now()
  const net = await startBenchNetwork({ size: maxConsumers + 1 })
  try {
    const provider = net.node(0)
    await provider.node.inventory.add({ name: 'bench', model: 'NVIDIA H100 80GB HBM3', gpus: POOL_GPUS, gpuMemoryMib: 81559, price: { microsPerGpuHour: 1_000_000, currency: 'USD' } })
    await provider.node.libp2p.handle(ECHO_PROTOCOL, async stream => {
      const lp = lpStream(stream)
      await lp.write(await lp.read())
      await stream.close()
    }, { maxInboundStreams: 256 })
    const cpi = `cpi:${provider.node.peerId.toString()}/bench`
    const all = net.nodes.slice(1)
    await Promise.all(all.map(async c => c.node.libp2p.dial(provider.node.libp2p.getMultiaddrs())))
    log(`  ${all.length + 1} nodes up and connected in ${round((performance.now() - started) / 1000)} s`)
    // let the start-up traffic (DHT table refreshes, identify, the first gossip) pass before anything is timed
    await new Promise(resolve => setTimeout(resolve, SETTLE_MS))

    const payload = new Uint8Array(randomBytes(REQUEST_BYTES))
    const echo = async (c: NetworkNode): Promise<void> => {
      const stream = await c.node.libp2p.dialProtocol(provider.node.peerId, ECHO_PROTOCOL)
      const lp = lpStream(stream)
      await lp.write(payload)
      await lp.read()
      await stream.close()
    }
    const rows: LeaseRow[] = []
    for (const n of CONCURRENCY) {
      const consumers = all.slice(0, n)
      const perConsumer = Math.max(1, Math.round(LEASES_PER_LEVEL / n))
      await timed(consumers, 2, echo) // warm the streams up
      const raw = await timed(consumers, perConsumer, echo)
      const leases = await timed(consumers, perConsumer, async c =>
        c.node.leases.request({ cpi, gpus: 1, durationSec: 3600, maxMicros: 1_000_000n, currency: 'USD' }))
      const granted = leases.samples.length
      const negotiation = summarize(leases.samples)
      const rawSummary = summarize(raw.samples)
      rows.push({
        consumers: n,
        leases: granted,
        negotiationMs: negotiation,
        leasesPerSec: round(granted / (leases.wallMs / 1000)),
        rawMs: rawSummary,
        ratio: round(negotiation.p50 / rawSummary.p50, 1),
        failedLeases: leases.failed,
        failedRaw: raw.failed
      })
      log(`  ${n} consumers: ${granted} leases, p50 ${negotiation.p50} ms, ${round(granted / (leases.wallMs / 1000))}/s, failed: lease ${formatFailures(leases.failed)}, raw ${formatFailures(raw.failed)}`)
      // give the GPUs back for the next level (not timed)
      // (a release that fails leaves fewer free GPUs for the next level, and says so)
      const releases = await Promise.allSettled(consumers.map(async c => {
        for (const l of await c.node.leases.list()) if (l.status === 'active') await c.node.leases.release(l.leaseId)
      }))
      const unreleased = releases.filter(r => r.status === 'rejected').length
      if (unreleased > 0) log(`  ${unreleased} consumers could not release every lease`)
    }
    const table = printTable(
      ['consumers', 'leases', 'negotiation p50', 'p99', 'leases/s', 'raw req/resp p50', 'p99', 'negotiation/raw', 'failed leases', 'failed raw'],
      rows.map(r => [r.consumers, r.leases, r.negotiationMs.p50, r.negotiationMs.p99, r.leasesPerSec, r.rawMs.p50, r.rawMs.p99, r.ratio, formatFailures(r.failedLeases), formatFailures(r.failedRaw)])
    )
    return { rows, table }
  } finally {
    await net.stop()
  }
}
