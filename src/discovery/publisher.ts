/**
 * The provider's side of discovery. For every pool it signs an offer with a
 * fresh seq and availability, keeps it for the fetch protocol, puts it in the
 * DHT under /cpnet/<peerId>/<pool>, and provides the pool's capability keys.
 * Offers are re-published when a pool or its availability changes and every
 * republish interval (so they never expire while the node runs); a removed
 * pool's offer is replaced by a withdrawal. kad-dht re-provides the keys.
 */
import type { PrivateKey } from '@libp2p/interface'
import type { QueryEvent } from '@libp2p/kad-dht'
import type { Logger } from '../log/logger.ts'
import type { CpnetLibp2p } from '../node/libp2p.ts'
import type { Inventory, PoolChange } from '../inventory/inventory.ts'
import type { Pool } from '../inventory/pool.ts'
import { parseCpi } from '../identity/cpi.ts'
import { capabilityCid, capabilityKeys } from './capability.ts'
import { MAX_POOLS_PER_PROVIDER } from './constants.ts'
import { buildOffer, buildWithdrawal } from './offer.ts'
import { Offer, SignedOffer } from './pb/offer.ts'
import type { ProvidedKeys } from './provided-keys.ts'
import { offerDhtKey } from './record.ts'
import type { SeqStore } from './seq-store.ts'
import { signOffer } from './signed-offer.ts'

export interface PublisherInit {
  libp2p: CpnetLibp2p
  privateKey: PrivateKey
  inventory: Inventory
  seqs: SeqStore
  provided: ProvidedKeys
  logger: Logger
  offerTtlMs: number
  republishIntervalMs: number
  /** Bounds one DHT put or provide. */
  dhtTimeoutMs: number
}

export class OfferPublisher {
  private readonly init: PublisherInit
  private readonly log: Logger
  /** The current signed offer of every pool, served by the fetch protocol. */
  private readonly offers = new Map<string, Uint8Array>()
  /** Capability keys provided in this run. */
  private readonly providing = new Set<string>()
  /** One publication at a time per pool, in order. */
  private readonly queues = new Map<string, Promise<void>>()
  private unsubscribe?: () => void
  private timer?: NodeJS.Timeout
  private retryTimer?: NodeJS.Timeout
  private retryDelayMs = PUBLISH_RETRY_MS
  private readonly unreached = new Set<string>()
  private controller?: AbortController

  constructor (init: PublisherInit) {
    this.init = init
    this.log = init.logger.forComponent('cpnet:discovery:publisher')
  }

  async start (): Promise<void> {
    if (this.controller != null) return
    this.controller = new AbortController()
    this.unsubscribe = this.init.inventory.onChange(change => { this.onChange(change) })
    await this.cancelUnneededKeys()
    for (const pool of this.init.inventory.list()) this.enqueue(pool.name, async () => this.publish(pool))
    this.timer = setInterval(() => { this.republishAll() }, this.init.republishIntervalMs)
    this.timer.unref()
  }

  async stop (): Promise<void> {
    if (this.controller == null) return
    clearInterval(this.timer)
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    this.unsubscribe?.()
    this.controller.abort()
    await Promise.allSettled([...this.queues.values()])
    this.controller = undefined
  }

  /** Signed offers by pool name, for the fetch protocol. */
  current (): ReadonlyMap<string, Uint8Array> {
    return this.offers
  }

  /** Resolves when every queued publication has finished (tests and benchmarks wait on it). */
  async settled (): Promise<void> {
    while (this.queues.size > 0) await Promise.allSettled([...this.queues.values()])
  }

  private onChange (change: PoolChange): void {
    const { pool } = change
    if (change.kind === 'removed') this.enqueue(pool.name, async () => this.withdraw(pool))
    else this.enqueue(pool.name, async () => this.publish(pool))
  }

  private republishAll (): void {
    for (const pool of this.init.inventory.list()) {
      if (!this.queues.has(pool.name)) this.enqueue(pool.name, async () => this.publish(pool))
    }
  }

  private enqueue (name: string, job: () => Promise<void>): void {
    const previous = this.queues.get(name) ?? Promise.resolve()
    const next = previous.then(async () => {
      if (this.controller?.signal.aborted !== false) return
      await job()
    }).catch(err => {
      this.log.warn('publication failed', { pool: name, error: (err as Error).message })
    }).finally(() => {
      if (this.queues.get(name) === next) this.queues.delete(name)
    })
    this.queues.set(name, next)
  }

  private async publish (pool: Pool): Promise<void> {
    const { libp2p, inventory } = this.init
    // the latest state of the pool: it may have changed while queued
    const current = inventory.get(pool.name)
    if (current == null) return
    if (!this.offers.has(current.name) && this.offers.size >= MAX_POOLS_PER_PROVIDER) {
      this.log.warn('too many pools; not offering this one', { pool: current.name, max: MAX_POOLS_PER_PROVIDER })
      return
    }
    const now = Date.now()
    const offer = buildOffer(current, {
      peerId: libp2p.peerId,
      seq: await this.init.seqs.next(`cpi:${libp2p.peerId.toString()}/${current.name}`, now),
      now,
      ttlMs: this.init.offerTtlMs,
      availableGpus: inventory.available(current),
      addrs: libp2p.getMultiaddrs().map(ma => ma.decapsulateCode(PROTOCOL_P2P))
    })
    const bytes = await signOffer(offer, this.init.privateKey)
    this.offers.set(current.name, bytes)
    this.log.debug('offer signed', { cpi: offer.cpi, seq: offer.seq.toString(), available: offer.resource?.availableGpus })
    const reached = await Promise.all([
      this.put(offer.cpi, bytes),
      ...capabilityKeys(current).map(async key => this.provide(key))
    ])
    if (reached.includes(false)) this.retryLater(current.name)
    else this.retryDelayMs = PUBLISH_RETRY_MS
  }

  private async withdraw (pool: Pool): Promise<void> {
    const last = this.offers.get(pool.name)
    this.offers.delete(pool.name)
    await this.cancelUnneededKeys()
    if (last == null) return
    const previous = Offer.decode(SignedOffer.decode(last).offer)
    const now = Date.now()
    const withdrawal = buildWithdrawal(previous, { seq: await this.init.seqs.next(previous.cpi, now), now, ttlMs: this.init.offerTtlMs })
    await this.put(previous.cpi, await signOffer(withdrawal, this.init.privateKey))
    this.log.info('offer withdrawn', { cpi: previous.cpi })
  }

  /** Puts the record in the DHT; false when no peer took it (the node has no DHT peers yet). */
  private async put (cpi: string, bytes: Uint8Array): Promise<boolean> {
    const signal = this.signal()
    try {
      return await reachedPeers(this.init.libp2p.services.dht.put(offerDhtKey(parseCpi(cpi)), bytes, { signal }))
    } catch (err) {
      if (!signal.aborted) this.log.debug('DHT put incomplete', { cpi, error: (err as Error).message })
      return false
    }
  }

  /** Provides a capability key once per run; kad-dht re-provides it every discovery.reprovideIntervalSec. */
  private async provide (key: string): Promise<boolean> {
    if (this.providing.has(key)) return true
    await this.init.provided.add(key)
    const signal = this.signal()
    try {
      const reached = await reachedPeers(this.init.libp2p.services.dht.provide(await capabilityCid(key), { signal }))
      if (reached) this.providing.add(key)
      return reached
    } catch (err) {
      if (!signal.aborted) this.log.debug('provide incomplete', { key, error: (err as Error).message })
      return false
    }
  }

  /**
   * A pool whose record or keys reached no peer (typically at start, before
   * bootstrap has connected) is published again soon, backing off up to the
   * republish interval.
   */
  private retryLater (name: string): void {
    this.unreached.add(name)
    if (this.retryTimer != null) return
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      const names = [...this.unreached]
      this.unreached.clear()
      for (const pool of names) {
        const current = this.init.inventory.get(pool)
        if (current != null) this.enqueue(pool, async () => this.publish(current))
      }
    }, this.retryDelayMs)
    this.retryTimer.unref()
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, this.init.republishIntervalMs)
  }

  /** Stops providing keys that no pool needs (left from a removed pool or a previous run). */
  private async cancelUnneededKeys (): Promise<void> {
    const needed = new Set(this.init.inventory.list().flatMap(capabilityKeys))
    for (const key of await this.init.provided.all()) {
      if (needed.has(key)) continue
      await this.init.libp2p.services.dht.cancelReprovide(await capabilityCid(key))
      await this.init.provided.delete(key)
      this.providing.delete(key)
      this.log.debug('no longer providing', { key })
    }
  }

  private signal (): AbortSignal {
    return AbortSignal.any([this.controller?.signal ?? AbortSignal.abort(), AbortSignal.timeout(this.init.dhtTimeoutMs)])
  }
}

/** Drains a DHT operation; true when at least one peer answered it. */
async function reachedPeers (events: AsyncIterable<QueryEvent>): Promise<boolean> {
  let responses = 0
  for await (const event of events) {
    if (event.name === 'PEER_RESPONSE') responses++
  }
  return responses > 0
}

/** The first retry of an unreached publication, in ms; doubles each time. */
const PUBLISH_RETRY_MS = 500

/** The multiaddr code of /p2p/: offers carry transport addresses only, the PeerId is in the CPI. */
const PROTOCOL_P2P = 421
