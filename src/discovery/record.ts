/**
 * Offers in the DHT: the key `/cpnet/<peerId>/<pool>` (UTF-8), the validator
 * kad-dht runs on every record it is asked to store or receives in a query,
 * and the selector that picks the newest when peers disagree.
 */
import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import { toString as fromUtf8 } from 'uint8arrays/to-string'
import { fromString as utf8 } from 'uint8arrays/from-string'
import { CPI_SCHEME, formatCpi, parseCpi, type Cpi } from '../identity/cpi.ts'
import { DHT_NAMESPACE } from './constants.ts'
import { InvalidOfferError } from './errors.ts'
import { Offer, SignedOffer } from './pb/offer.ts'
import type { SeqFloor } from './seq-floor.ts'
import { verifySignedOffer } from './signed-offer.ts'

const PREFIX = `/${DHT_NAMESPACE}/`

export function offerDhtKey (cpi: Cpi): Uint8Array {
  return utf8(`${PREFIX}${cpi.peerId.toString()}/${cpi.pool}`)
}

/** The CPI a DHT key names; throws InvalidOfferError('wrong-key') for anything else. */
export function cpiOfDhtKey (key: Uint8Array): Cpi {
  const text = fromUtf8(key)
  if (!text.startsWith(PREFIX)) throw new InvalidOfferError('wrong-key', `key ${JSON.stringify(text.slice(0, 80))} is not under ${PREFIX}`)
  try {
    return parseCpi(CPI_SCHEME + text.slice(PREFIX.length))
  } catch (err) {
    throw new InvalidOfferError('wrong-key', `key ${JSON.stringify(text.slice(0, 80))}: ${(err as Error).message}`)
  }
}

/**
 * The `cpnet` validator: the value is a valid SignedOffer (size, fields,
 * expiry, signature by the key of the CPI's PeerId), for the very CPI the key
 * names, and not older than the newest this node has accepted.
 */
export function offerValidator (floor: SeqFloor): ValidateFn {
  return async (key, value) => {
    const cpi = cpiOfDhtKey(key)
    const verified = await verifySignedOffer(value)
    if (!verified.cpi.peerId.equals(cpi.peerId) || verified.cpi.pool !== cpi.pool) {
      throw new InvalidOfferError('wrong-key', `record for ${verified.offer.cpi} stored under ${formatCpi(cpi.peerId, cpi.pool)}`)
    }
    floor.admit(verified.offer.cpi, verified.seq)
  }
}

/** Highest seq wins; the records were validated, an undecodable one loses anyway. */
export const offerSelector: SelectFn = (_key, records) => {
  let best = 0
  let bestSeq = -1n
  records.forEach((record, i) => {
    let seq = -1n
    try {
      seq = Offer.decode(SignedOffer.decode(record).offer).seq
    } catch {}
    if (seq > bestSeq) {
      best = i
      bestSeq = seq
    }
  })
  return best
}
