/**
 * What makes a decoded Offer acceptable, apart from its signature: every
 * field in range, a validity window that is open now and not absurdly long.
 * Shared by the DHT validator, the fetch client and the cache.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { parseCpi, type Cpi } from '../identity/cpi.ts'
import { CLASS_PATTERN } from '../inventory/classes.ts'
import { CURRENCY_PATTERN, LABEL_PATTERN, REGION_PATTERN, SLUG_PATTERN } from '../config/pool-schema.ts'
import { MAX_CLOCK_SKEW_MS, OFFER_MAX_ADDRS, OFFER_MAX_LABELS, OFFER_MAX_LIFETIME_MS, OFFER_MAX_STRING_CHARS } from './constants.ts'
import { InvalidOfferError } from './errors.ts'
import type { Offer } from './pb/offer.ts'

const CLASS = new RegExp(CLASS_PATTERN)
const SLUG = new RegExp(SLUG_PATTERN)
const REGION = new RegExp(REGION_PATTERN)
const LABEL = new RegExp(LABEL_PATTERN)
const CURRENCY = new RegExp(CURRENCY_PATTERN)
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

function bad (message: string): InvalidOfferError {
  return new InvalidOfferError('bad-field', message)
}

function safe (value: bigint, field: string): number {
  if (value > MAX_SAFE) throw bad(`${field} ${value} is out of range`)
  return Number(value)
}

/** Checks every field; returns the parsed CPI. `now` in unix ms. */
export function checkOffer (offer: Offer, now: number): Cpi {
  let cpi: Cpi
  try {
    cpi = parseCpi(offer.cpi)
  } catch (err) {
    throw new InvalidOfferError('bad-cpi', (err as Error).message)
  }
  const seq = safe(offer.seq, 'seq')
  const issuedAt = safe(offer.issuedAt, 'issuedAt')
  const expiresAt = safe(offer.expiresAt, 'expiresAt')
  if (seq <= 0) throw bad('seq must be positive')
  if (expiresAt <= issuedAt) throw bad('expiresAt is not after issuedAt')
  if (expiresAt - issuedAt > OFFER_MAX_LIFETIME_MS) throw bad(`valid for ${expiresAt - issuedAt} ms, more than ${OFFER_MAX_LIFETIME_MS}`)
  if (issuedAt > now + MAX_CLOCK_SKEW_MS) throw new InvalidOfferError('not-yet-valid', `issued ${issuedAt - now} ms in the future`)
  if (expiresAt <= now) throw new InvalidOfferError('expired', `expired ${now - expiresAt} ms ago`)

  const r = offer.resource
  if (r == null) throw bad('no resource')
  if (!SLUG.test(r.vendor)) throw bad(`vendor "${r.vendor}"`)
  if (r.model === '' || r.model.length > OFFER_MAX_STRING_CHARS) throw bad('model')
  if (!CLASS.test(r.class)) throw bad(`class "${r.class}"`)
  if (r.gpuMemoryMib === 0) throw bad('gpuMemoryMib is 0')
  if (r.totalGpus === 0) throw bad('totalGpus is 0')
  if (r.availableGpus > r.totalGpus) throw bad(`availableGpus ${r.availableGpus} > totalGpus ${r.totalGpus}`)
  if (!SLUG.test(r.interconnect)) throw bad(`interconnect "${r.interconnect}"`)
  if (!REGION.test(offer.region)) throw bad(`region "${offer.region}"`)
  if (offer.labels.length > OFFER_MAX_LABELS) throw bad('too many labels')
  for (const label of offer.labels) if (!LABEL.test(label)) throw bad(`label "${label}"`)
  if (offer.price == null || !CURRENCY.test(offer.price.currency)) throw bad('price')
  safe(offer.price.microsPerGpuHour, 'price.microsPerGpuHour')
  if (offer.minLeaseSec === 0 || offer.minLeaseSec > offer.maxLeaseSec) throw bad('lease bounds')
  if (offer.addrs.length > OFFER_MAX_ADDRS) throw bad('too many addrs')
  for (const bytes of offer.addrs) {
    try {
      multiaddr(bytes)
    } catch {
      throw bad('an addr is not a multiaddr')
    }
  }
  return cpi
}
