/**
 * Signing and verifying offers: a SignedOffer is a signed record
 * (identity/signed-record.ts) of the Offer's bytes, signed over
 * OFFER_SIGNATURE_DOMAIN || bytes by the provider's node key (docs/PROTOCOL.md §2.1).
 */
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { Cpi } from '../identity/cpi.ts'
import type { CheckedHeader } from '../identity/record-rules.ts'
import { signRecord, verifyRecord, type SignedRecordKind } from '../identity/signed-record.ts'
import { OFFER_MAX_ADDRS, OFFER_MAX_BYTES, OFFER_MAX_LABELS, OFFER_SIGNATURE_DOMAIN } from './constants.ts'
import { checkOfferRecord, refuseOffer } from './offer-rules.ts'
import { Offer, SignedOffer } from './pb/offer.ts'

/** One more than allowed, so that too many labels or addrs decode and are refused by the rules with a reason, as a price update's are. */
const DECODE_LIMITS = { limits: { labels: OFFER_MAX_LABELS + 1, addrs: OFFER_MAX_ADDRS + 1 } }

const OFFER_RECORD: SignedRecordKind<Offer, CheckedHeader> = {
  noun: 'offer',
  domain: OFFER_SIGNATURE_DOMAIN,
  maxBytes: OFFER_MAX_BYTES,
  encodeRecord: offer => Offer.encode(offer),
  decodeRecord: bytes => Offer.decode(bytes, DECODE_LIMITS),
  encodeEnvelope: ({ payload, signature }) => SignedOffer.encode({ offer: payload, signature }),
  decodeEnvelope: bytes => {
    const signed = SignedOffer.decode(bytes)
    return { payload: signed.offer, signature: signed.signature }
  },
  check: checkOfferRecord,
  refuse: refuseOffer
}

/** An offer that passed every check, with the bytes it arrived in. */
export interface VerifiedOffer {
  offer: Offer
  cpi: Cpi
  seq: number
  expiresAt: number
  /** The encoded SignedOffer, as stored in the DHT and sent by fetch. */
  bytes: Uint8Array
}

/** The encoded SignedOffer; throws InvalidOfferError('too-large') over OFFER_MAX_BYTES. */
export async function signOffer (offer: Offer, key: PrivateKey): Promise<Uint8Array> {
  return signRecord(OFFER_RECORD, offer, key)
}

export interface VerifyOptions {
  /** Unix ms; defaults to Date.now(). */
  now?: number
  /** The peer the offer came from directly: it must own the CPI. */
  from?: PeerId
}

/** Decodes and checks a SignedOffer; throws InvalidOfferError with the reason. */
export async function verifySignedOffer (bytes: Uint8Array, options: VerifyOptions = {}): Promise<VerifiedOffer> {
  const { record, checked } = await verifyRecord(OFFER_RECORD, bytes, { now: options.now, owner: options.from })
  return { offer: record, cpi: checked.cpi, seq: checked.seq, expiresAt: checked.expiresAt, bytes }
}
