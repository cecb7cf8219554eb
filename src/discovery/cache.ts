/**
 * The consumer's cache of verified offers. It keeps the newest offer per CPI
 * (a lower seq never replaces a higher one, so a replayed record cannot undo
 * an update) and, per capability key, which CPIs the last search under that
 * key found and when. Expired and withdrawn offers are never returned, and a
 * result with an expired member is not used at all. Both
 * maps are bounded; the least recently written entries go first.
 */
import { cpiPrefix } from '../identity/cpi.ts'
import { capabilityKeys } from './capability.ts'
import { CACHE_MAX_KEYS, CACHE_MAX_OFFERS } from './constants.ts'
import type { VerifiedOffer } from './signed-offer.ts'

/** Where a result came from: the provider itself, the DHT, or this cache. */
export type OfferSource = 'direct' | 'dht' | 'cache'

export interface CachedOffer {
  verified: VerifiedOffer
  source: OfferSource
}

interface KeyEntry {
  cpis: Set<string>
  refreshedAt: number
}

function touch<K, V> (map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key)
  map.set(key, value)
  if (map.size > max) {
    const oldest = map.keys().next().value
    if (oldest !== undefined) map.delete(oldest)
  }
}

export class OfferCache {
  private readonly offers = new Map<string, CachedOffer>()
  private readonly keys = new Map<string, KeyEntry>()

  /** Keeps the offer unless a newer one is cached; returns what is cached for its CPI now. */
  put (offer: CachedOffer): CachedOffer {
    const cpi = offer.verified.offer.cpi
    const held = this.offers.get(cpi)
    if (held != null && held.verified.seq > offer.verified.seq) return held
    if (held != null && held.verified.seq === offer.verified.seq && offer.source !== 'direct') return held
    touch(this.offers, cpi, offer, CACHE_MAX_OFFERS)
    return offer
  }

  get (cpi: string, now = Date.now()): CachedOffer | undefined {
    const held = this.offers.get(cpi)
    if (held == null) return undefined
    if (held.verified.expiresAt <= now) {
      this.offers.delete(cpi)
      return undefined
    }
    return held
  }

  /** CPIs of one provider that the cache has seen (to ask the DHT when the provider does not answer). */
  cpisOf (peerId: string): string[] {
    const prefix = cpiPrefix(peerId)
    return [...this.offers.keys()].filter(cpi => cpi.startsWith(prefix))
  }

  /**
   * The providers of the live offers cached under a capability key: a search
   * under that key knows of them before it asks the DHT, so one that does not
   * answer makes the result partial.
   */
  providersUnder (key: string, now = Date.now()): string[] {
    const providers = new Set<string>()
    for (const { verified } of this.offers.values()) {
      const { offer } = verified
      if (offer.withdrawn || verified.expiresAt <= now) continue
      if (capabilityKeys({ class: offer.resource?.class ?? '', region: offer.region }).includes(key)) providers.add(verified.cpi.peerId.toString())
    }
    return [...providers]
  }

  /** Forgets what the last search under `key` found: the next search under it asks the network. */
  forgetResult (key: string): void {
    this.keys.delete(key)
  }

  /** Records what a search under `key` found. A partial search adds to the last result instead of replacing it. */
  setResult (key: string, cpis: Iterable<string>, complete: boolean, now = Date.now()): void {
    const found = new Set(cpis)
    const previous = this.keys.get(key)
    if (!complete && previous != null) for (const cpi of previous.cpis) found.add(cpi)
    touch(this.keys, key, { cpis: found, refreshedAt: now }, CACHE_MAX_KEYS)
  }

  /**
   * The offers last found under `key`, with the age of that result. Undefined
   * (a miss: ask the network) when there is none, or when one of them has
   * expired since: the network then knows better, a provider may be gone.
   */
  result (key: string, now = Date.now()): { offers: CachedOffer[], ageMs: number } | undefined {
    const entry = this.keys.get(key)
    if (entry == null || entry.cpis.size === 0) return undefined
    const offers: CachedOffer[] = []
    for (const cpi of entry.cpis) {
      const held = this.get(cpi, now)
      if (held == null) return undefined
      if (!held.verified.offer.withdrawn) offers.push(held)
    }
    return { offers, ageMs: now - entry.refreshedAt }
  }
}
