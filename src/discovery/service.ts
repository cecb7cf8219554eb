/**
 * Discovery for one node: the publisher (when the node has pools, it offers
 * them), the /cpnet/offers/1.0.0 handler, and search. The DHT validator and
 * selector are not here: libp2p needs them before it is built (see node.ts).
 */
import type { PrivateKey, Startable } from '@libp2p/interface'
import type { Config } from '../config/schema.ts'
import { cpiPrefix } from '../identity/cpi.ts'
import type { Inventory } from '../inventory/inventory.ts'
import type { Logger } from '../log/logger.ts'
import type { CpnetLibp2p } from '../host/libp2p.ts'
import type { NodeDb } from '../host/db.ts'
import { FETCH_MAX_INBOUND_STREAMS, FETCH_MAX_OUTBOUND_STREAMS, OFFERS_PROTOCOL } from './constants.ts'
import { offersHandler } from './fetch-handler.ts'
import { ProvidedKeys } from './provided-keys.ts'
import { Offer, SignedOffer } from './pb/offer.ts'
import { OfferPublisher } from './publisher.ts'
import { OfferSearch, type HeardProviders, type LiveOverlay } from './search.ts'
import type { SeqStore } from './seq-store.ts'

/** What discovery stands on. */
export interface DiscoveryComponents {
  libp2p: CpnetLibp2p
  privateKey: PrivateKey
  inventory: Inventory
  db: NodeDb
  /** The per-CPI seq counter, shared with price updates. */
  seqs: SeqStore
  logger: Logger
}

export interface DiscoveryInit {
  config: Config['discovery']
  /** Fresher price and availability for offers that search returns (the price book). */
  livePrice?: LiveOverlay
  heardProviders?: HeardProviders
}

export class Discovery implements Startable {
  readonly publisher: OfferPublisher
  readonly search: OfferSearch
  private readonly components: DiscoveryComponents
  private running = false

  constructor (components: DiscoveryComponents, init: DiscoveryInit) {
    this.components = components
    const { config } = init
    this.publisher = new OfferPublisher({
      libp2p: components.libp2p,
      privateKey: components.privateKey,
      inventory: components.inventory,
      seqs: components.seqs,
      provided: new ProvidedKeys(components.db),
      logger: components.logger,
      offerTtlMs: config.offerTtlSec * 1000,
      republishIntervalMs: config.republishIntervalSec * 1000,
      dhtTimeoutMs: config.republishIntervalSec * 1000
    })
    this.search = new OfferSearch({
      libp2p: components.libp2p,
      local: () => this.publisher.current(),
      logger: components.logger,
      defaultTimeoutMs: config.searchTimeoutMs,
      fetchTimeoutMs: config.fetchTimeoutMs,
      cacheRefreshMs: config.cacheRefreshSec * 1000,
      maxProviders: config.maxProviders,
      defaultLimit: config.defaultLimit,
      livePrice: init.livePrice,
      heardProviders: init.heardProviders
    })
  }

  /** The newest offer this node holds for a CPI: its own, or a verified one a search found. */
  knownOffer (cpi: string): Offer | undefined {
    const own = cpiPrefix(this.components.libp2p.peerId)
    if (cpi.startsWith(own)) {
      const bytes = this.publisher.current().get(cpi.slice(own.length))
      return bytes != null ? Offer.decode(SignedOffer.decode(bytes).offer) : undefined
    }
    return this.search.cache.get(cpi)?.verified.offer
  }

  async start (): Promise<void> {
    if (this.running) return
    this.running = true
    await this.components.libp2p.handle(OFFERS_PROTOCOL, offersHandler(() => this.publisher.current(), this.components.logger.forComponent('cpnet:discovery:fetch')), {
      maxInboundStreams: FETCH_MAX_INBOUND_STREAMS,
      maxOutboundStreams: FETCH_MAX_OUTBOUND_STREAMS
    })
    await this.publisher.start()
  }

  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    await this.components.libp2p.unhandle(OFFERS_PROTOCOL)
    await Promise.all([this.publisher.stop(), this.search.stop()])
  }
}
