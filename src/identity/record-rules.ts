/**
 * The checks that signed offers and price updates share: the CPI, the seq,
 * the validity window (issued before it expires, not longer than the record
 * kind allows, not issued beyond the clock-skew bound, not expired) and the
 * provider addresses. Each record kind adds the checks of its own fields
 * between checkHeader and checkWindow, so that a record with a bad field is
 * refused for that field even when it has expired too (docs/PROTOCOL.md §7.4).
 */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { parseCpi, type Cpi } from './cpi.ts'
import type { RecordRejection } from './signed-record.ts'

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/** Makes the record kind's error for a refusal (InvalidOfferError, InvalidPriceUpdateError). */
export type Refuse = (reason: RecordRejection, message: string) => Error

/** The fields every signed record carries, as decoded. */
export interface RecordHeader {
  cpi: string
  seq: bigint
  issuedAt: bigint
  expiresAt: bigint
}

/** The header of a record that passed checkHeader, as numbers (unix ms for the times). */
export interface CheckedHeader {
  cpi: Cpi
  seq: number
  issuedAt: number
  expiresAt: number
}

/** A uint64 field as a number; `bad-field` above 2^53 - 1. */
export function safeInteger (value: bigint, field: string, refuse: Refuse): number {
  if (value > MAX_SAFE) throw refuse('bad-field', `${field} ${value} is out of range`)
  return Number(value)
}

/** The CPI parses (`bad-cpi`); seq is positive; the record expires after it was issued and lives at most `maxLifetimeMs`. */
export function checkHeader (record: RecordHeader, maxLifetimeMs: number, refuse: Refuse): CheckedHeader {
  let cpi: Cpi
  try {
    cpi = parseCpi(record.cpi)
  } catch (err) {
    throw refuse('bad-cpi', (err as Error).message)
  }
  const seq = safeInteger(record.seq, 'seq', refuse)
  const issuedAt = safeInteger(record.issuedAt, 'issuedAt', refuse)
  const expiresAt = safeInteger(record.expiresAt, 'expiresAt', refuse)
  if (seq <= 0) throw refuse('bad-field', 'seq must be positive')
  if (expiresAt <= issuedAt) throw refuse('bad-field', 'expiresAt is not after issuedAt')
  if (expiresAt - issuedAt > maxLifetimeMs) throw refuse('bad-field', `valid for ${expiresAt - issuedAt} ms, more than ${maxLifetimeMs}`)
  return { cpi, seq, issuedAt, expiresAt }
}

/** The record is valid at `now` (unix ms): issued at most `maxClockSkewMs` in the future (`skewed`), not expired (`expired`). */
export function checkWindow (header: CheckedHeader, now: number, maxClockSkewMs: number, refuse: Refuse): void {
  if (header.issuedAt > now + maxClockSkewMs) throw refuse('skewed', `issued ${header.issuedAt - now} ms in the future`)
  if (header.expiresAt <= now) throw refuse('expired', `expired ${now - header.expiresAt} ms ago`)
}

export interface AddrRules {
  maxAddrs: number
  /** The longest binary multiaddr; unbounded when absent (the record's size cap bounds it). */
  maxAddrBytes?: number
}

/**
 * The provider's transport addresses: few enough, each a binary multiaddr
 * without a /p2p/ part, since the PeerId is the CPI's and a dialler must not
 * be sent to another (`bad-field`).
 */
export function checkAddrs (addrs: Uint8Array[], rules: AddrRules, refuse: Refuse): void {
  if (addrs.length > rules.maxAddrs) throw refuse('bad-field', `${addrs.length} addrs, at most ${rules.maxAddrs}`)
  for (const bytes of addrs) {
    if (rules.maxAddrBytes != null && bytes.byteLength > rules.maxAddrBytes) {
      throw refuse('bad-field', `an addr of ${bytes.byteLength} bytes, at most ${rules.maxAddrBytes}`)
    }
    let addr: Multiaddr
    try {
      addr = multiaddr(bytes)
    } catch {
      throw refuse('bad-field', 'an addr is not a multiaddr')
    }
    if (addr.getComponents().some(c => c.name === 'p2p')) {
      throw refuse('bad-field', 'an addr names a peer (/p2p/); the PeerId is in the CPI')
    }
  }
}
