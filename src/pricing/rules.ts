/**
 * What makes a decoded PriceUpdate acceptable, apart from its signature and
 * its seq: every field in range and a validity window that is open now.
 */
import { parseCpi, type Cpi } from '../identity/cpi.ts'
import { CLASS_PATTERN } from '../inventory/classes.ts'
import { CURRENCY_PATTERN, REGION_PATTERN } from '../config/pool-schema.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { PRICE_ADDR_MAX_BYTES, PRICE_MAX_ADDRS, PRICE_MAX_CLOCK_SKEW_MS, PRICE_MAX_LIFETIME_MS } from './constants.ts'
import { InvalidPriceUpdateError } from './errors.ts'
import type { PriceUpdate } from './pb/price.ts'

const CLASS = new RegExp(CLASS_PATTERN)
const REGION = new RegExp(REGION_PATTERN)
const CURRENCY = new RegExp(CURRENCY_PATTERN)
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

function bad (message: string): InvalidPriceUpdateError {
  return new InvalidPriceUpdateError('bad-field', message)
}

function safe (value: bigint, field: string): number {
  if (value > MAX_SAFE) throw bad(`${field} ${value} is out of range`)
  return Number(value)
}

/** The times and seq of an update that passed the checks, as numbers. */
export interface CheckedTimes {
  cpi: Cpi
  seq: number
  issuedAt: number
  expiresAt: number
}

/** Checks every field against `now` (unix ms); throws InvalidPriceUpdateError with the reason. */
export function checkPriceUpdate (update: PriceUpdate, now: number): CheckedTimes {
  let cpi: Cpi
  try {
    cpi = parseCpi(update.cpi)
  } catch (err) {
    throw new InvalidPriceUpdateError('bad-cpi', (err as Error).message)
  }
  const seq = safe(update.seq, 'seq')
  const issuedAt = safe(update.issuedAt, 'issuedAt')
  const expiresAt = safe(update.expiresAt, 'expiresAt')
  if (seq <= 0) throw bad('seq must be positive')
  if (expiresAt <= issuedAt) throw bad('expiresAt is not after issuedAt')
  if (expiresAt - issuedAt > PRICE_MAX_LIFETIME_MS) throw bad(`valid for ${expiresAt - issuedAt} ms, more than ${PRICE_MAX_LIFETIME_MS}`)
  if (update.price == null || !CURRENCY.test(update.price.currency)) throw bad('price currency')
  safe(update.price.microsPerGpuHour, 'price.microsPerGpuHour')
  if (update.totalGpus === 0) throw bad('totalGpus is 0')
  if (update.availableGpus > update.totalGpus) throw bad(`availableGpus ${update.availableGpus} > totalGpus ${update.totalGpus}`)
  if (update.withdrawn && update.availableGpus !== 0) throw bad('a withdrawal has free GPUs')
  if (!CLASS.test(update.class)) throw bad(`class "${update.class.slice(0, 80)}"`)
  if (!REGION.test(update.region)) throw bad(`region "${update.region.slice(0, 80)}"`)
  checkAddrs(update.addrs)
  if (issuedAt > now + PRICE_MAX_CLOCK_SKEW_MS) throw new InvalidPriceUpdateError('skewed', `issued ${issuedAt - now} ms in the future`)
  if (expiresAt <= now) throw new InvalidPriceUpdateError('expired', `expired ${now - expiresAt} ms ago`)
  return { cpi, seq, issuedAt, expiresAt }
}

function checkAddrs (addrs: Uint8Array[]): void {
  if (addrs.length > PRICE_MAX_ADDRS) throw bad(`${addrs.length} addrs, at most ${PRICE_MAX_ADDRS}`)
  for (const bytes of addrs) {
    if (bytes.byteLength > PRICE_ADDR_MAX_BYTES) throw bad(`an addr of ${bytes.byteLength} bytes, at most ${PRICE_ADDR_MAX_BYTES}`)
    let addr
    try {
      addr = multiaddr(bytes)
    } catch {
      throw bad('an addr is not a multiaddr')
    }
    if (addr.getComponents().some(c => c.name === 'p2p')) throw bad('an addr names a peer (/p2p/); the PeerId is in the CPI')
  }
}
