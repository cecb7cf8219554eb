/**
 * What makes a decoded PriceUpdate acceptable, apart from its signature and
 * its seq: the checks every signed record shares (identity/record-rules.ts)
 * with an update's caps, and the update's own fields in range, in the order
 * of docs/PROTOCOL.md §7.4.
 */
import { checkAddrs, checkHeader, checkWindow, safeInteger, type CheckedHeader, type Refuse } from '../identity/record-rules.ts'
import { CLASS_PATTERN } from '../inventory/classes.ts'
import { CURRENCY_PATTERN, REGION_PATTERN } from '../config/pool-schema.ts'
import { PRICE_ADDR_MAX_BYTES, PRICE_MAX_ADDRS, PRICE_MAX_CLOCK_SKEW_MS, PRICE_MAX_LIFETIME_MS } from './constants.ts'
import { InvalidPriceUpdateError } from './errors.ts'
import type { PriceUpdate } from './pb/price.ts'

const CLASS = new RegExp(CLASS_PATTERN)
const REGION = new RegExp(REGION_PATTERN)
const CURRENCY = new RegExp(CURRENCY_PATTERN)

/** The error of each refusal of this kind, for the shared rules and the signed-record skeleton. */
export const refuseUpdate: Refuse = (reason, message) => new InvalidPriceUpdateError(reason, message)

function bad (message: string): InvalidPriceUpdateError {
  return new InvalidPriceUpdateError('bad-field', message)
}

/** The times and seq of an update that passed the checks, as numbers. */
export type CheckedTimes = CheckedHeader

/** Checks every field against `now` (unix ms); throws InvalidPriceUpdateError with the reason. */
export function checkPriceUpdate (update: PriceUpdate, now: number): CheckedTimes {
  const header = checkHeader(update, PRICE_MAX_LIFETIME_MS, refuseUpdate)
  if (update.price == null || !CURRENCY.test(update.price.currency)) throw bad('price currency')
  safeInteger(update.price.microsPerGpuHour, 'price.microsPerGpuHour', refuseUpdate)
  if (update.totalGpus === 0) throw bad('totalGpus is 0')
  if (update.availableGpus > update.totalGpus) throw bad(`availableGpus ${update.availableGpus} > totalGpus ${update.totalGpus}`)
  if (update.withdrawn && update.availableGpus !== 0) throw bad('a withdrawal has free GPUs')
  if (!CLASS.test(update.class)) throw bad(`class "${update.class.slice(0, 80)}"`)
  if (!REGION.test(update.region)) throw bad(`region "${update.region.slice(0, 80)}"`)
  checkAddrs(update.addrs, { maxAddrs: PRICE_MAX_ADDRS, maxAddrBytes: PRICE_ADDR_MAX_BYTES }, refuseUpdate)
  checkWindow(header, now, PRICE_MAX_CLOCK_SKEW_MS, refuseUpdate)
  return header
}
