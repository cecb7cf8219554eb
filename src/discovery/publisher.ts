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
import type { CpnetLibp2p } from '../host/libp2p.ts'
import { ownTransportAddrs } from '../host/addrs.ts'
import type { Inventory } from '../inventory/inventory.ts'
import type { Pool } from '../inventory/pool.ts'
import { PoolPublications } from '../inventory/pool-publications.ts'
import { formatCpi, parseCpi } from '../identity/cpi.ts'
import { capabilityCid, capabilityKeys } from './capability.ts'
import { AVAILABILITY_PUT_GAP_MS, MAX_POOLS_PER_PROVIDER } from './constants.ts'
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
  private publications?: PoolPublications
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
    const publications = this.publications = new PoolPublications({
      gapMs: AVAILABILITY_PUT_GAP_MS,
      publish: async (name, { due, removed }) => {
        // a pool removed and added back while this ran is offered again, under a higher seq
        if (removed != null && this.init.inventory.get(name) == null) await this.withdraw(removed)
        else await this.publish(name, due)
      },
      log: this.log
    })
    this.unsubscribe = this.init.inventory.onChange(change => { publications.changed(change) })
    await this.cancelUnneededKeys()
    this.republishAll()
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
    await this.publications?.stop()
    this.publications = undefined
    this.controller = undefined
  }

  /** Signed offers by pool name, for the fetch protocol. */
  current (): ReadonlyMap<string, Uint8Array> {
    return this.offers
  }

  /** Resolves when no publication is running (tests and benchmarks wait on it). */
  async settled (): Promise<void> {
    await this.publications?.settled()
  }

  private republishAll (): void {
    for (const pool of this.init.inventory.list()) this.publications?.request(pool.name, { urgent: true })
  }

  /**
   * Signs the pool's offer anew (the fetch protocol serves it at once) and,
   * when `put`, puts it in the DHT. A change of capacity alone is put at most
   * every AVAILABILITY_PUT_GAP_MS: consumers learn free GPUs within
   * milliseconds from price updates and fetches, and the DHT record is only
   * their cold start.
   */
  private async publish (name: string, put: boolean): Promise<void> {
    const { libp2p, inventory } = this.init
    const current = inventory.get(name)
    if (current == null) return
    if (!this.offers.has(current.name) && this.offers.size >= MAX_POOLS_PER_PROVIDER) {
      this.log.warn('too many pools; not offering this one', { pool: current.name, max: MAX_POOLS_PER_PROVIDER })
      return
    }
    const now = Date.now()
    const offer = buildOffer(current, {
      peerId: libp2p.peerId,
      seq: await this.init.seqs.next(formatCpi(libp2p.peerId, current.name), now),
      now,
      ttlMs: this.init.offerTtlMs,
      availableGpus: inventory.available(current),
      addrs: ownTransportAddrs(libp2p)
    })
    const bytes = await signOffer(offer, this.init.privateKey)
    this.offers.set(current.name, bytes)
    this.log.debug('offer signed', { cpi: offer.cpi, seq: offer.seq.toString(), available: offer.resource?.availableGpus })
    if (!put) return
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
      for (const pool of names) this.publications?.request(pool, { urgent: true })
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
