/**
 * Live prices for one node: the topic validator that admits updates to the
 * price book, the publisher of this node's own pools, the history of what the
 * book admitted, and the subscriptions that hear about it. The gossipsub
 * score parameters are not here: libp2p needs them before it is built
 * (see node.ts and score.ts).
 */
import type { PeerInfo, PrivateKey, Startable } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import type { Config } from '../config/schema.ts'
import type { SeqStore } from '../discovery/seq-store.ts'
import { matches, type Filter } from '../discovery/filter.ts'
import { capabilityKeys } from '../discovery/capability.ts'
import type { Offer } from '../discovery/pb/offer.ts'
import type { VerifiedOffer } from '../discovery/signed-offer.ts'
import type { Inventory } from '../inventory/inventory.ts'
import type { Logger } from '../log/logger.ts'
import type { CpnetLibp2p } from '../host/libp2p.ts'
import type { NodeDb } from '../host/db.ts'
import { PriceBook } from './book.ts'
import { BOOK_SWEEP_INTERVAL_MS, PRICES_TOPIC } from './constants.ts'
import { PriceHistory } from './history.ts'
import type { VerifiedPriceUpdate } from './message.ts'
import { filterableOffer, withLivePrice } from './overlay.ts'
import { PricePublisher } from './publisher.ts'
import { PriceSubscriptions } from './subscriptions.ts'
import { priceTopicValidator, type PriceValidatorInit } from './validator.ts'
import { toPriceView, type PriceView } from './view.ts'

/** What prices stand on. */
export interface PricingComponents {
  libp2p: CpnetLibp2p
  privateKey: PrivateKey
  inventory: Inventory
  /** The per-CPI seq counter that offers use too. */
  seqs: SeqStore
  db: NodeDb
  logger: Logger
}

export interface PricingInit {
  config: Config['prices']
  maxSubscriptionsPerConnection: number
  /** The offer this node knows for a CPI (its own, or a verified one from search): filters read it for what updates do not carry. */
  knownOffer: (cpi: string) => Offer | undefined
  onRefused?: PriceValidatorInit['onRefused']
}

export class Pricing implements Startable {
  readonly book = new PriceBook()
  readonly history: PriceHistory
  readonly publisher: PricePublisher
  readonly subscriptions: PriceSubscriptions
  private readonly components: PricingComponents
  private readonly init: PricingInit
  private readonly log: Logger
  private unlisten?: () => void
  private sweeper?: NodeJS.Timeout

  constructor (components: PricingComponents, init: PricingInit) {
    this.components = components
    this.init = init
    this.log = components.logger.forComponent('cpnet:pricing')
    this.history = new PriceHistory({
      db: components.db,
      logger: components.logger,
      maxAgeMs: init.config.historyMaxAgeSec * 1000,
      maxPerCpi: init.config.historyMaxPerCpi
    })
    this.publisher = new PricePublisher({
      libp2p: components.libp2p,
      privateKey: components.privateKey,
      inventory: components.inventory,
      seqs: components.seqs,
      book: this.book,
      logger: components.logger,
      heartbeatMs: init.config.heartbeatSec * 1000
    })
    this.subscriptions = new PriceSubscriptions({
      matches: (filter, update) => this.matches(filter, update),
      maxPerSession: init.maxSubscriptionsPerConnection,
      logger: components.logger
    })
  }

  start (): void {
    if (this.unlisten != null) return
    const { pubsub } = this.components.libp2p.services
    this.unlisten = this.book.onUpdate(update => { this.admitted(update) })
    pubsub.topicValidators.set(PRICES_TOPIC, priceTopicValidator({ book: this.book, logger: this.components.logger, onRefused: this.init.onRefused }))
    pubsub.subscribe(PRICES_TOPIC)
    this.history.start()
    this.publisher.start()
    this.sweeper = setInterval(() => { this.book.sweep() }, BOOK_SWEEP_INTERVAL_MS)
    this.sweeper.unref()
  }

  async stop (): Promise<void> {
    if (this.unlisten == null) return
    clearInterval(this.sweeper)
    await this.publisher.stop()
    const { pubsub } = this.components.libp2p.services
    pubsub.unsubscribe(PRICES_TOPIC)
    pubsub.topicValidators.delete(PRICES_TOPIC)
    this.unlisten()
    this.unlisten = undefined
    this.subscriptions.clear()
    await this.history.stop()
  }

  /** Live prices matching a filter (the offers_search language), cheapest first, at most `limit`. */
  latest (filter: Filter, limit: number): PriceView[] {
    return this.book.list()
      .filter(update => this.matches(filter, update))
      .sort((a, b) => Number((a.update.price?.microsPerGpuHour ?? 0n) - (b.update.price?.microsPerGpuHour ?? 0n)) || a.update.cpi.localeCompare(b.update.cpi))
      .slice(0, limit)
      .map(toPriceView)
  }

  /** Providers with a live price update under a capability key (cpnet/v1/all, class/…, region/…), with the addresses it states. */
  providersUnder (key: string): PeerInfo[] {
    const providers = new Map<string, PeerInfo>()
    for (const update of this.book.list()) {
      if (offersUnder(update, key)) providers.set(update.cpi.peerId.toString(), providerOf(update))
    }
    return [...providers.values()]
  }

  /** Calls `listener` with the provider of every update admitted from now on under a capability key. */
  watchProviders (key: string, listener: (provider: PeerInfo) => void): () => void {
    return this.book.onUpdate(update => { if (offersUnder(update, key)) listener(providerOf(update)) })
  }

  /** The offer as this node's price book knows it now (see overlay.ts); null when its pool was withdrawn since. */
  withLivePrice (verified: VerifiedOffer): VerifiedOffer | null {
    return withLivePrice(verified, this.book)
  }

  private matches (filter: Filter, update: VerifiedPriceUpdate): boolean {
    return matches(filter, filterableOffer(update.update, this.init.knownOffer(update.update.cpi)))
  }

  /** Every admitted update: into history, out to subscribers. A failure here must not refuse the update. */
  private admitted (update: VerifiedPriceUpdate): void {
    try {
      this.history.record(toPriceView(update))
      this.subscriptions.deliver(update)
    } catch (err) {
      this.log.error('handling an admitted price update failed', { cpi: update.update.cpi, error: (err as Error).message })
    }
  }
}

function offersUnder ({ update }: VerifiedPriceUpdate, key: string): boolean {
  return !update.withdrawn && capabilityKeys(update).includes(key)
}

/** The update's provider and the addresses it states (checked to be multiaddrs when it was admitted). */
function providerOf ({ update, cpi }: VerifiedPriceUpdate): PeerInfo {
  return { id: cpi.peerId, multiaddrs: update.addrs.map(bytes => multiaddr(bytes)) }
}
