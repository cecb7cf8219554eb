/**
 * Computing-power identifiers: `cpi:<provider PeerId>/<pool name>`.
 *
 * A CPI certifies itself: the PeerId is the hash (for Ed25519, the identity
 * multihash) of the provider's public key, so anyone holding a record that
 * names a CPI can check that the record was signed by its owner without asking
 * anybody. Pool names are short lower-case slugs so that CPIs stay readable and
 * fit in DHT keys.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'

export const CPI_SCHEME = 'cpi:'
export const POOL_NAME_PATTERN = '^[a-z0-9][a-z0-9-]{0,62}$'
const POOL_NAME = new RegExp(POOL_NAME_PATTERN)
/** A PeerId string is base58btc (Qm…, 12D3…) or a CIDv1 (b…); 128 characters is plenty. */
const MAX_PEER_ID_CHARS = 128

export interface Cpi {
  peerId: PeerId
  pool: string
}

export const InvalidCpiError = defineError('InvalidCpiError', 'CPNET_CPI_INVALID', ErrorCode.INVALID_PARAMS)

function isPoolName (value: string): boolean {
  return POOL_NAME.test(value)
}

/** What every CPI of one provider starts with: `cpi:<peerId>/`. */
export function cpiPrefix (peerId: PeerId | string): string {
  return `${CPI_SCHEME}${peerId.toString()}/`
}

export function formatCpi (peerId: PeerId | string, pool: string): string {
  if (!isPoolName(pool)) throw new InvalidCpiError(`invalid pool name "${pool}" (expected ${POOL_NAME_PATTERN})`)
  return cpiPrefix(peerId) + pool
}

/** Parses and validates a CPI; throws InvalidCpiError saying what is wrong. */
export function parseCpi (text: string): Cpi {
  if (typeof text !== 'string' || !text.startsWith(CPI_SCHEME)) {
    throw new InvalidCpiError(`a CPI starts with "${CPI_SCHEME}": ${JSON.stringify(text)}`)
  }
  const rest = text.slice(CPI_SCHEME.length)
  const slash = rest.indexOf('/')
  if (slash < 0) throw new InvalidCpiError(`a CPI is cpi:<peerId>/<pool>: ${JSON.stringify(text)}`)
  const id = rest.slice(0, slash)
  const pool = rest.slice(slash + 1)
  if (id.length === 0 || id.length > MAX_PEER_ID_CHARS) throw new InvalidCpiError(`bad PeerId in ${JSON.stringify(text)}`)
  if (!isPoolName(pool)) throw new InvalidCpiError(`invalid pool name "${pool}" in ${JSON.stringify(text)} (expected ${POOL_NAME_PATTERN})`)
  let peerId: PeerId
  try {
    peerId = peerIdFromString(id)
  } catch (err) {
    throw new InvalidCpiError(`bad PeerId "${id}" in CPI: ${(err as Error).message}`)
  }
  // the canonical form round-trips: no second spelling of the same CPI
  if (peerId.toString() !== id) throw new InvalidCpiError(`PeerId "${id}" is not in its canonical form (${peerId.toString()})`)
  return { peerId, pool }
}

/**
 * Ownership: a record naming `cpi` must be signed by the key behind the CPI's
 * PeerId. Throws when `signer` is not that peer.
 */
export function assertOwner (cpi: Cpi, signer: PeerId): void {
  if (!cpi.peerId.equals(signer)) {
    throw new InvalidCpiError(`${formatCpi(cpi.peerId, cpi.pool)} belongs to ${cpi.peerId.toString()}, not to ${signer.toString()}`)
  }
}
