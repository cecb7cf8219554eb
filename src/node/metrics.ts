/**
 * cpnet's own Prometheus metrics. Each node has its own registry (libp2p's
 * metrics join it), so several nodes in one process never collide.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { PriceVerdictReason } from '../pricing/validator.ts'
import type { ProvisionerKind } from '../config/pool-schema.ts'
import type { ProvisionFailure, ProvisioningObserver } from '../lease/provider/provisioning.ts'

export interface NodeMetricsInit {
  /** Node.js process metrics (heap, event loop); once per process, in the daemon. */
  processMetrics: boolean
  connectedPeers: () => number
  uptimeSeconds: () => number
  /** Live prices in the price book. */
  livePrices: () => number
  /** Leases whose access is provisioned now, by provisioner. */
  provisionedLeases: () => Record<ProvisionerKind, number>
}

export class NodeMetrics implements ProvisioningObserver {
  readonly registry = new Registry()
  private readonly rpcCalls: Counter<'method' | 'outcome'>
  private readonly rpcSeconds: Histogram<'method'>
  private readonly pricesRefused: Counter<'result' | 'reason'>
  private readonly provisionSeconds: Histogram<'provisioner'>
  private readonly provisionFailures: Counter<'provisioner' | 'reason'>

  constructor (init: NodeMetricsInit) {
    if (init.processMetrics) collectDefaultMetrics({ register: this.registry })
    this.rpcCalls = new Counter({ name: 'cpnet_rpc_calls_total', help: 'JSON-RPC calls by method and outcome', labelNames: ['method', 'outcome'], registers: [this.registry] })
    this.rpcSeconds = new Histogram({ name: 'cpnet_rpc_call_seconds', help: 'JSON-RPC call duration', labelNames: ['method'], buckets: [0.001, 0.005, 0.025, 0.1, 0.5, 2, 10], registers: [this.registry] })
    new Gauge({ name: 'cpnet_peers_connected', help: 'Peers with an open connection', registers: [this.registry], collect () { this.set(init.connectedPeers()) } })
    new Gauge({ name: 'cpnet_uptime_seconds', help: 'Seconds since the node started', registers: [this.registry], collect () { this.set(init.uptimeSeconds()) } })
    new Gauge({ name: 'cpnet_prices_live', help: 'Live prices in the price book', registers: [this.registry], collect () { this.set(init.livePrices()) } })
    new Gauge({
      name: 'cpnet_leases_provisioned',
      help: 'Provider leases whose access (account, container, hook) is provisioned now, by provisioner',
      labelNames: ['provisioner'],
      registers: [this.registry],
      collect () { for (const [provisioner, n] of Object.entries(init.provisionedLeases())) this.set({ provisioner }, n) }
    })
    this.provisionSeconds = new Histogram({ name: 'cpnet_provision_seconds', help: 'Time from a granted lease\'s provisioning start to its access being ready, by provisioner', labelNames: ['provisioner'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [this.registry] })
    this.provisionFailures = new Counter({ name: 'cpnet_provision_failures_total', help: 'Provisioning steps that failed, by provisioner and step (start, timeout, extend, stop, restore, list)', labelNames: ['provisioner', 'reason'], registers: [this.registry] })
    this.pricesRefused = new Counter({ name: 'cpnet_price_updates_refused_total', help: 'Price updates the topic validator refused, by gossipsub result (reject, ignore) and reason', labelNames: ['result', 'reason'], registers: [this.registry] })
  }

  /** `result` is gossipsub's (reject, ignore); `reason` one of the validator's stable reasons, so the label set stays closed. */
  priceRefused (result: string, reason: PriceVerdictReason): void {
    this.pricesRefused.inc({ result, reason })
  }

  provisioned (provisioner: ProvisionerKind, seconds: number): void {
    this.provisionSeconds.observe({ provisioner }, seconds)
  }

  failed (provisioner: ProvisionerKind, reason: ProvisionFailure): void {
    this.provisionFailures.inc({ provisioner, reason })
  }

  rpcCall (method: string, outcome: 'ok' | 'error', seconds: number): void {
    this.rpcCalls.inc({ method, outcome })
    this.rpcSeconds.observe({ method }, seconds)
  }
}
