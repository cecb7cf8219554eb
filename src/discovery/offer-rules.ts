/**
 * What makes a decoded Offer acceptable, apart from its signature: the
 * checks every signed record shares (identity/record-rules.ts) with an
 * offer's caps, and the offer's own fields in range. Shared by the DHT
 * validator, the fetch client and the cache.
 */
import type { Cpi } from '../identity/cpi.ts'
import { checkAddrs, checkHeader, checkWindow, safeInteger, type CheckedHeader, type Refuse } from '../identity/record-rules.ts'
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

/** The error of each refusal of this kind, for the shared rules and the signed-record skeleton. */
export const refuseOffer: Refuse = (reason, message) => new InvalidOfferError(reason, message)

function bad (message: string): InvalidOfferError {
  return new InvalidOfferError('bad-field', message)
}

/** Checks every field against `now` (unix ms); returns the header as numbers. Throws InvalidOfferError with the reason. */
export function checkOfferRecord (offer: Offer, now: number): CheckedHeader {
  const header = checkHeader(offer, OFFER_MAX_LIFETIME_MS, refuseOffer)
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
  safeInteger(offer.price.microsPerGpuHour, 'price.microsPerGpuHour', refuseOffer)
  if (offer.minLeaseSec === 0 || offer.minLeaseSec > offer.maxLeaseSec) throw bad('lease bounds')
  checkAddrs(offer.addrs, { maxAddrs: OFFER_MAX_ADDRS }, refuseOffer)
  checkWindow(header, now, MAX_CLOCK_SKEW_MS, refuseOffer)
  return header
}

/** Checks every field; returns the parsed CPI. `now` in unix ms. */
export function checkOffer (offer: Offer, now: number): Cpi {
  return checkOfferRecord(offer, now).cpi
}
