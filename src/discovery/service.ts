/**
 * Discovery for one node: the publisher (when the node has pools, it offers
 * them), the /cpnet/offers/1.0.0 handler, and search. The DHT validator and
 * selector are not here: libp2p needs them before it is built (see node.ts).
 */
import type { PrivateKey } from '@libp2p/interface'
import type { Config } from '../config/schema.ts'
import type { Inventory } from '../inventory/inventory.ts'
import type { Logger } from '../log/logger.ts'
import type { CpnetLibp2p } from '../node/libp2p.ts'
import type { NodeDb } from '../node/db.ts'
import { FETCH_MAX_INBOUND_STREAMS, FETCH_MAX_OUTBOUND_STREAMS, OFFERS_PROTOCOL } from './constants.ts'
import { offersHandler } from './fetch-handler.ts'
import { ProvidedKeys } from './provided-keys.ts'
import { Offer, SignedOffer } from './pb/offer.ts'
import { OfferPublisher } from './publisher.ts'
import { OfferSearch, type HeardProviders, type LiveOverlay } from './search.ts'
import type { SeqStore } from './seq-store.ts'

export interface DiscoveryInit {
  libp2p: CpnetLibp2p
  privateKey: PrivateKey
  inventory: Inventory
  db: NodeDb
  /** The per-CPI seq counter, shared with price updates. */
  seqs: SeqStore
  config: Config['discovery']
  logger: Logger
  /** Fresher price and availability for offers that search returns (the price book). */
  livePrice?: LiveOverlay
  heardProviders?: HeardProviders
}

export class Discovery {
  readonly publisher: OfferPublisher
  readonly search: OfferSearch
  private readonly init: DiscoveryInit
  private running = false

  constructor (init: DiscoveryInit) {
    this.init = init
    const { config } = init
    this.publisher = new OfferPublisher({
      libp2p: init.libp2p,
      privateKey: init.privateKey,
      inventory: init.inventory,
      seqs: init.seqs,
      provided: new ProvidedKeys(init.db),
      logger: init.logger,
      offerTtlMs: config.offerTtlSec * 1000,
      republishIntervalMs: config.republishIntervalSec * 1000,
      dhtTimeoutMs: config.republishIntervalSec * 1000
    })
    this.search = new OfferSearch({
      libp2p: init.libp2p,
      local: () => this.publisher.current(),
      logger: init.logger,
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
    const own = `cpi:${this.init.libp2p.peerId.toString()}/`
    if (cpi.startsWith(own)) {
      const bytes = this.publisher.current().get(cpi.slice(own.length))
      return bytes != null ? Offer.decode(SignedOffer.decode(bytes).offer) : undefined
    }
    return this.search.cache.get(cpi)?.verified.offer
  }

  async start (): Promise<void> {
    if (this.running) return
    this.running = true
    await this.init.libp2p.handle(OFFERS_PROTOCOL, offersHandler(() => this.publisher.current(), this.init.logger.forComponent('cpnet:discovery:fetch')), {
      maxInboundStreams: FETCH_MAX_INBOUND_STREAMS,
      maxOutboundStreams: FETCH_MAX_OUTBOUND_STREAMS
    })
    await this.publisher.start()
  }

  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    await this.init.libp2p.unhandle(OFFERS_PROTOCOL)
    await Promise.all([this.publisher.stop(), this.search.stop()])
  }
}
