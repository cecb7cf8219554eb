/**
 * Search: find providers of the most selective capability key for the filter,
 * fetch each one's current offers over /cpnet/offers/1.0.0 (the DHT record as
 * fallback for CPIs already known), verify every offer, then filter, de-dup by
 * CPI (newest seq wins), sort and cut to the limit. Whatever has arrived when
 * the deadline passes is returned with `partial: true`. Repeat queries are
 * answered from the cache at once and refreshed in the background.
 *
 * The providers a search knows of are those the DHT names, those heard of by
 * gossip, and those whose offers under the key are cached (a peer just
 * connected by hand is fetched into the cache): all are asked, and each one
 * that neither answered nor has a record in the DHT is counted in
 * `missingProviders`, which makes the result partial. A search never looks
 * complete when it did not hear from a provider it knew of.
 */
import type { PeerId, PeerInfo } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Logger } from '../log/logger.ts'
import type { CpnetLibp2p } from '../host/libp2p.ts'
import { formatCpi, parseCpi } from '../identity/cpi.ts'
import { OfferCache, type CachedOffer, type OfferSource } from './cache.ts'
import { capabilityCid, capabilityKeys } from './capability.ts'
import { OfferNotFoundError } from './errors.ts'
import { fetchOffers } from './fetch-client.ts'
import { matches, parseFilter, searchKey, type Filter } from './filter.ts'
import { readDhtRecords } from './dht-records.ts'
import { offerDhtKey } from './record.ts'
import { verifySignedOffer, type VerifiedOffer } from './signed-offer.ts'
import type { CurrentOffers } from './fetch-handler.ts'

export const SORT_KEYS = ['price', 'free', 'rtt'] as const
export type SortKey = typeof SORT_KEYS[number]

export interface SearchParams {
  filter: string
  sort?: SortKey
  limit?: number
  timeoutMs?: number
  /** false: ask the network even when the cache could answer. */
  cache?: boolean
  signal?: AbortSignal
}

export interface SearchHit {
  verified: VerifiedOffer
  source: OfferSource
  /** Round-trip time to the provider measured by libp2p, when connected. */
  rttMs?: number
  /** Price, free GPUs and seq come from a price update newer than the signed offer. */
  livePrice?: boolean
  /** One of this node's own offers: shown, but never a lease candidate (a node does not lease from itself). */
  local?: boolean
}

/**
 * Fresher values for an offer from elsewhere (the price book): the offer to
 * show instead, the same object when nothing is fresher, or null when the
 * pool was withdrawn since.
 */
export type LiveOverlay = (verified: VerifiedOffer) => VerifiedOffer | null

export interface SearchResult {
  offers: SearchHit[]
  /** The deadline or the provider cap cut the search short, or a known provider was not heard from. */
  partial: boolean
  /** Providers known to the search (DHT, gossip, cache) that it did not hear from. */
  missingProviders: number
  fromCache: boolean
}

export interface OfferSearchInit {
  libp2p: CpnetLibp2p
  /** This node's own signed offers (a provider finds itself without the network). */
  local: CurrentOffers
  logger: Logger
  defaultTimeoutMs: number
  fetchTimeoutMs: number
  /** Cached results older than this are refreshed in the background when read. */
  cacheRefreshMs: number
  /** Providers asked per search at most. */
  maxProviders: number
  defaultLimit: number
  /** Applied to every offer before it is filtered, sorted and returned; the cache keeps the signed offers. */
  livePrice?: LiveOverlay
  /**
   * Providers this node heard of (by their price updates) under a capability
   * key. They are asked at once, beside the DHT query, and so is any heard of
   * while the query runs: gossip reaches every node before a fresh provider
   * record has spread through the DHT.
   */
  heardProviders?: HeardProviders
}

/** Providers known from gossip, by capability key (the price book answers). */
export interface HeardProviders {
  /** Those heard of so far, with the addresses they stated. */
  under: (key: string) => PeerInfo[]
  /** Calls `listener` for each provider heard of under `key` from now on, until the returned function is called. */
  watch: (key: string, listener: (provider: PeerInfo) => void) => () => void
}

export class OfferSearch {
  readonly cache = new OfferCache()
  private readonly init: OfferSearchInit
  private readonly log: Logger
  private readonly refreshing = new Map<string, Promise<void>>()
  private readonly controller = new AbortController()

  constructor (init: OfferSearchInit) {
    this.init = init
    this.log = init.logger.forComponent('cpnet:discovery:search')
  }

  /** Aborts background refreshes and waits for them. */
  async stop (): Promise<void> {
    this.controller.abort()
    await Promise.allSettled([...this.refreshing.values()])
  }

  /** Parses the filter first: a FilterSyntaxError is thrown before any network work. */
  async search (params: SearchParams): Promise<SearchResult> {
    const filter = parseFilter(params.filter)
    const key = searchKey(filter)
    const rank = (offers: CachedOffer[]): SearchHit[] =>
      this.rank(offers, filter, params.sort ?? 'price', params.limit ?? this.init.defaultLimit)
    if (params.cache !== false) {
      const cached = this.cache.result(key)
      if (cached != null) {
        if (cached.ageMs >= this.init.cacheRefreshMs) this.refresh(key)
        return { offers: rank(cached.offers.map(o => ({ ...o, source: 'cache' }))), partial: false, missingProviders: 0, fromCache: true }
      }
    }
    const signal = AbortSignal.any([
      AbortSignal.timeout(params.timeoutMs ?? this.init.defaultTimeoutMs),
      this.controller.signal,
      ...(params.signal != null ? [params.signal] : [])
    ])
    const { offers, partial, missingProviders } = await this.collect(key, signal)
    this.cache.setResult(key, offers.map(o => o.verified.offer.cpi), !partial)
    return { offers: rank(offers), partial, missingProviders, fromCache: false }
  }

  /** One CPI: its provider first, then the DHT record, then the cache. */
  async get (cpiText: string, timeoutMs = this.init.defaultTimeoutMs): Promise<SearchHit> {
    const cpi = parseCpi(cpiText)
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.controller.signal])
    const direct = await this.fromProvider({ id: cpi.peerId, multiaddrs: [] }, signal, [cpi.pool])
    const found = direct.offers.find(o => o.verified.offer.cpi === cpiText) ??
      await this.fromDht(cpiText, signal) ??
      this.cache.get(cpiText)
    const live = found != null && !found.verified.offer.withdrawn ? this.live(found) : undefined
    if (live == null) throw new OfferNotFoundError(`no valid offer for ${cpiText}`)
    return live
  }

  /**
   * Fetches a peer's offers into the cache (after `connect`): a search under
   * any of their keys then asks this peer too, and says so when it does not
   * answer. Returns how many live offers the peer has.
   */
  async learnFrom (peerId: PeerId, timeoutMs = this.init.fetchTimeoutMs): Promise<number> {
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.controller.signal])
    const { offers } = await this.fromProvider({ id: peerId, multiaddrs: [] }, signal)
    for (const offer of offers) {
      this.cache.put(offer)
      // a cached result under the offer's keys was found without this peer: the next search asks again
      const { offer: o } = offer.verified
      for (const key of capabilityKeys({ class: o.resource?.class ?? '', region: o.region })) this.cache.forgetResult(key)
    }
    return offers.filter(o => !o.verified.offer.withdrawn).length
  }

  private refresh (key: string): void {
    if (this.refreshing.has(key) || this.controller.signal.aborted) return
    const signal = AbortSignal.any([AbortSignal.timeout(this.init.defaultTimeoutMs), this.controller.signal])
    const job = this.collect(key, signal)
      .then(({ offers, partial }) => { this.cache.setResult(key, offers.map(o => o.verified.offer.cpi), !partial) })
      .catch(err => { this.log.debug('background refresh failed', { key, error: (err as Error).message }) })
      .finally(() => { this.refreshing.delete(key) })
    this.refreshing.set(key, job)
  }

  /** Providers of `key` and their verified offers, until the query ends or `signal` aborts. */
  private async collect (key: string, signal: AbortSignal): Promise<{ offers: CachedOffer[], partial: boolean, missingProviders: number }> {
    const found = new Map<string, CachedOffer>()
    const asked = new Set<string>()
    const heardFrom = new Set<string>()
    /** Known providers left unasked because of the provider cap. */
    const unasked = new Set<string>()
    let cutShort = false
    const jobs: Array<Promise<void>> = []
    const keep = (offers: CachedOffer[]): void => {
      for (const offer of offers) {
        const kept = this.cache.put(offer)
        const cpi = kept.verified.offer.cpi
        if ((found.get(cpi)?.verified.seq ?? -1) < kept.verified.seq) found.set(cpi, kept)
      }
    }
    const ask = (peer: PeerInfo): void => {
      const id = peer.id.toString()
      if (asked.has(id) || signal.aborted) return
      if (asked.size >= this.init.maxProviders) {
        unasked.add(id)
        return
      }
      asked.add(id)
      jobs.push(this.fromProvider(peer, signal).then(({ offers, answered }) => {
        keep(offers)
        if (answered || offers.length > 0) heardFrom.add(id)
      }))
    }
    const heard = this.init.heardProviders
    for (const peer of heard?.under(key) ?? []) ask(peer)
    for (const id of this.cache.providersUnder(key)) ask({ id: peerIdFromString(id), multiaddrs: [] })
    const unwatch = heard?.watch(key, ask)
    try {
      const cid = await capabilityCid(key)
      for await (const event of this.init.libp2p.services.dht.findProviders(cid, { signal })) {
        if (event.name !== 'PROVIDER') continue
        for (const peer of event.providers) ask(peer)
      }
    } catch (err) {
      cutShort = true
      if (!signal.aborted) this.log.debug('provider query failed', { key, error: (err as Error).message })
    } finally {
      unwatch?.()
    }
    await Promise.all(jobs)
    const missingProviders = asked.size - heardFrom.size + unasked.size
    return { offers: [...found.values()], partial: cutShort || signal.aborted || missingProviders > 0, missingProviders }
  }

  /**
   * A provider's verified offers; never throws: a failure is logged and yields
   * what the DHT has. `answered` is true when the provider itself answered.
   */
  private async fromProvider (peer: PeerInfo, signal: AbortSignal, pools?: string[]): Promise<{ offers: CachedOffer[], answered: boolean }> {
    const { libp2p } = this.init
    let raw: Uint8Array[]
    if (peer.id.equals(libp2p.peerId)) {
      const local = this.init.local()
      raw = pools == null ? [...local.values()] : pools.flatMap(p => local.get(p) ?? [])
    } else {
      const step = AbortSignal.any([signal, AbortSignal.timeout(this.init.fetchTimeoutMs)])
      try {
        // addresses from the provider record, for a provider not connected yet
        if (peer.multiaddrs.length > 0 && libp2p.getConnections(peer.id).length === 0) await libp2p.peerStore.merge(peer.id, { multiaddrs: peer.multiaddrs })
        raw = await fetchOffers(libp2p, peer.id, { signal: step, pools })
      } catch (err) {
        this.log.debug('offers fetch failed; asking the DHT', { peer: peer.id.toString(), error: (err as Error).message })
        const known = pools?.map(p => formatCpi(peer.id, p)) ?? this.cache.cpisOf(peer.id.toString())
        const fromDht = await Promise.all(known.map(async cpi => this.fromDht(cpi, signal)))
        return { offers: fromDht.filter(o => o != null), answered: false }
      }
    }
    const verified = await Promise.all(raw.map(async bytes => this.verify(bytes, 'direct', peer.id)))
    return { offers: verified.filter(o => o != null), answered: true }
  }

  /** The valid offer with the highest seq the DHT holds for a CPI. */
  private async fromDht (cpiText: string, signal: AbortSignal): Promise<CachedOffer | undefined> {
    if (signal.aborted) return undefined
    const { values, error } = await readDhtRecords(this.init.libp2p.services.dht, offerDhtKey(parseCpi(cpiText)), signal)
    if (error != null && !signal.aborted) this.log.debug('DHT get ended early', { cpi: cpiText, records: values.length, error: error.message })
    let best: CachedOffer | undefined
    for (const value of values) {
      const verified = await this.verify(value, 'dht')
      if (verified?.verified.offer.cpi !== cpiText) continue
      if (best == null || verified.verified.seq > best.verified.seq) best = verified
    }
    return best
  }

  private async verify (bytes: Uint8Array, source: OfferSource, from?: PeerId): Promise<CachedOffer | undefined> {
    try {
      return { verified: await verifySignedOffer(bytes, { from }), source }
    } catch (err) {
      this.log.debug('offer rejected', { from: from?.toString(), source, error: (err as Error).message })
      return undefined
    }
  }

  /** The offer as a hit, with fresher live values when there are some; undefined when its pool was withdrawn since. */
  private live (offer: CachedOffer): SearchHit | undefined {
    const verified = this.init.livePrice?.(offer.verified) ?? offer.verified
    if (verified == null) return undefined
    const peerId = verified.cpi.peerId
    const local = peerId.equals(this.init.libp2p.peerId)
    const rtt = local ? 0 : this.init.libp2p.getConnections(peerId).find(c => c.rtt != null)?.rtt
    return {
      verified,
      source: offer.source,
      ...(rtt != null ? { rttMs: rtt } : {}),
      ...(verified !== offer.verified ? { livePrice: true } : {}),
      ...(local ? { local: true } : {})
    }
  }

  private rank (offers: CachedOffer[], filter: Filter, sort: SortKey, limit: number): SearchHit[] {
    const now = Date.now()
    const newest = new Map<string, CachedOffer>()
    for (const offer of offers) {
      const cpi = offer.verified.offer.cpi
      if ((newest.get(cpi)?.verified.seq ?? -1) < offer.verified.seq) newest.set(cpi, offer)
    }
    // the filter and the sort see the live values
    const hits = [...newest.values()]
      .filter(o => !o.verified.offer.withdrawn && o.verified.expiresAt > now)
      .flatMap(o => this.live(o) ?? [])
      .filter(hit => matches(filter, hit.verified.offer))
    return hits.sort(comparator(sort)).slice(0, limit)
  }
}

function comparator (sort: SortKey): (a: SearchHit, b: SearchHit) => number {
  const byCpi = (a: SearchHit, b: SearchHit): number => a.verified.offer.cpi.localeCompare(b.verified.offer.cpi)
  switch (sort) {
    case 'price':
      return (a, b) => Number((a.verified.offer.price?.microsPerGpuHour ?? 0n) - (b.verified.offer.price?.microsPerGpuHour ?? 0n)) || byCpi(a, b)
    case 'free':
      return (a, b) => (b.verified.offer.resource?.availableGpus ?? 0) - (a.verified.offer.resource?.availableGpus ?? 0) || byCpi(a, b)
    case 'rtt':
      return (a, b) => (a.rttMs ?? Infinity) - (b.rttMs ?? Infinity) || byCpi(a, b)
  }
}
