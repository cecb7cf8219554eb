/**
 * Where price updates meet offers. An offer shows the price and free GPUs of
 * a fresher update for its CPI: a provider draws offer and update seqs from
 * one counter per CPI, so the higher seq is the later word whichever kind it
 * is. And the filter language, written for offers, reads an update through an
 * Offer-shaped view.
 */
import type { Offer } from '../discovery/pb/offer.ts'
import type { VerifiedOffer } from '../discovery/signed-offer.ts'
import type { PriceBook } from './book.ts'
import type { PriceUpdate } from './pb/price.ts'

/** The offer with the update's price, free and total GPUs and seq; the rest as the offer says. */
function overlayOffer (offer: Offer, update: PriceUpdate): Offer {
  return {
    ...offer,
    seq: update.seq,
    price: update.price != null ? { ...update.price } : offer.price,
    resource: offer.resource != null
      ? { ...offer.resource, availableGpus: update.availableGpus, totalGpus: update.totalGpus }
      : undefined
  }
}

/**
 * The offer as the book knows it now: as it is when the book has nothing
 * newer for its CPI, with the newer update's values when it has, and null when
 * the newer update is a withdrawal (the pool is gone).
 */
export function withLivePrice (verified: VerifiedOffer, book: PriceBook, now = Date.now()): VerifiedOffer | null {
  const newest = book.newest(verified.offer.cpi, now)
  if (newest == null || newest.seq <= verified.seq) return verified
  if (newest.update.withdrawn) return null
  return { ...verified, offer: overlayOffer(verified.offer, newest.update), seq: newest.seq }
}

/**
 * What a filter sees of an update: the offer this node knows for the CPI with
 * the update's values on top; without one, the update alone (its class gives
 * vendor and model words; fields it does not carry read as empty or 0).
 */
export function filterableOffer (update: PriceUpdate, known?: Offer): Offer {
  if (known != null) return overlayOffer(known, update)
  const [, vendor = '', modelWords = ''] = update.class.split('/')
  return {
    cpi: update.cpi,
    seq: update.seq,
    issuedAt: update.issuedAt,
    expiresAt: update.expiresAt,
    resource: {
      vendor,
      model: modelWords,
      class: update.class,
      gpuMemoryMib: 0,
      totalGpus: update.totalGpus,
      availableGpus: update.availableGpus,
      interconnect: '',
      cpuCores: 0,
      ramGib: 0,
      diskGib: 0,
      bandwidthMbps: 0
    },
    region: update.region,
    labels: [],
    price: update.price,
    minLeaseSec: 0,
    maxLeaseSec: 0,
    addrs: [],
    withdrawn: update.withdrawn
  }
}
