/**
 * cpnet's own Prometheus metrics. Each node has its own registry (libp2p's
 * metrics join it), so several nodes in one process never collide.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { PriceVerdictReason } from '../pricing/validator.ts'

export interface NodeMetricsInit {
  /** Node.js process metrics (heap, event loop); once per process, in the daemon. */
  processMetrics: boolean
  connectedPeers: () => number
  uptimeSeconds: () => number
  /** Live prices in the price book. */
  livePrices: () => number
}

export class NodeMetrics {
  readonly registry = new Registry()
  private readonly rpcCalls: Counter<'method' | 'outcome'>
  private readonly rpcSeconds: Histogram<'method'>
  private readonly pricesRefused: Counter<'result' | 'reason'>

  constructor (init: NodeMetricsInit) {
    if (init.processMetrics) collectDefaultMetrics({ register: this.registry })
    this.rpcCalls = new Counter({ name: 'cpnet_rpc_calls_total', help: 'JSON-RPC calls by method and outcome', labelNames: ['method', 'outcome'], registers: [this.registry] })
    this.rpcSeconds = new Histogram({ name: 'cpnet_rpc_call_seconds', help: 'JSON-RPC call duration', labelNames: ['method'], buckets: [0.001, 0.005, 0.025, 0.1, 0.5, 2, 10], registers: [this.registry] })
    new Gauge({ name: 'cpnet_peers_connected', help: 'Peers with an open connection', registers: [this.registry], collect () { this.set(init.connectedPeers()) } })
    new Gauge({ name: 'cpnet_uptime_seconds', help: 'Seconds since the node started', registers: [this.registry], collect () { this.set(init.uptimeSeconds()) } })
    new Gauge({ name: 'cpnet_prices_live', help: 'Live prices in the price book', registers: [this.registry], collect () { this.set(init.livePrices()) } })
    this.pricesRefused = new Counter({ name: 'cpnet_price_updates_refused_total', help: 'Price updates the topic validator refused, by gossipsub result (reject, ignore) and reason', labelNames: ['result', 'reason'], registers: [this.registry] })
  }

  /** `result` is gossipsub's (reject, ignore); `reason` one of the validator's stable reasons, so the label set stays closed. */
  priceRefused (result: string, reason: PriceVerdictReason): void {
    this.pricesRefused.inc({ result, reason })
  }

  rpcCall (method: string, outcome: 'ok' | 'error', seconds: number): void {
    this.rpcCalls.inc({ method, outcome })
    this.rpcSeconds.observe({ method }, seconds)
  }
}
