/**
 * Signing and verifying offers. A SignedOffer is the Offer's bytes and an
 * Ed25519 signature over OFFER_SIGNATURE_DOMAIN || bytes by the provider's
 * node key. The public key is not sent: an Ed25519 PeerId embeds it, and the
 * PeerId is in the CPI, so a verifier needs nothing but the record.
 *
 * Verification order matters: size before decoding, fields and ownership
 * before the (costlier) signature check.
 */
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { assertOwner, type Cpi } from '../identity/cpi.ts'
import { signWithDomain, verifyWithDomain } from '../identity/domain-signature.ts'
import { OFFER_MAX_ADDRS, OFFER_MAX_BYTES, OFFER_MAX_LABELS, OFFER_SIGNATURE_DOMAIN } from './constants.ts'
import { InvalidOfferError } from './errors.ts'
import { checkOffer } from './offer-rules.ts'
import { Offer, SignedOffer } from './pb/offer.ts'

const DECODE_LIMITS = { limits: { labels: OFFER_MAX_LABELS, addrs: OFFER_MAX_ADDRS } }

/** An offer that passed every check, with the bytes it arrived in. */
export interface VerifiedOffer {
  offer: Offer
  cpi: Cpi
  seq: number
  expiresAt: number
  /** The encoded SignedOffer, as stored in the DHT and sent by fetch. */
  bytes: Uint8Array
}

export async function signOffer (offer: Offer, key: PrivateKey): Promise<Uint8Array> {
  const offerBytes = Offer.encode(offer)
  const signature = await signWithDomain(key, OFFER_SIGNATURE_DOMAIN, offerBytes)
  const bytes = SignedOffer.encode({ offer: offerBytes, signature })
  if (bytes.byteLength > OFFER_MAX_BYTES) {
    throw new InvalidOfferError('too-large', `the signed offer for ${offer.cpi} is ${bytes.byteLength} bytes, the limit is ${OFFER_MAX_BYTES}`)
  }
  return bytes
}

export interface VerifyOptions {
  /** Unix ms; defaults to Date.now(). */
  now?: number
  /** The peer the offer came from directly: it must own the CPI. */
  from?: PeerId
}

/** Decodes and checks a SignedOffer; throws InvalidOfferError with the reason. */
export async function verifySignedOffer (bytes: Uint8Array, options: VerifyOptions = {}): Promise<VerifiedOffer> {
  if (bytes.byteLength > OFFER_MAX_BYTES) {
    throw new InvalidOfferError('too-large', `${bytes.byteLength} bytes, the limit is ${OFFER_MAX_BYTES}`)
  }
  let offer: Offer
  let signature: Uint8Array
  let offerBytes: Uint8Array
  try {
    const signed = SignedOffer.decode(bytes)
    offerBytes = signed.offer
    signature = signed.signature
    offer = Offer.decode(offerBytes, DECODE_LIMITS)
  } catch (err) {
    throw new InvalidOfferError('malformed', (err as Error).message)
  }
  const cpi = checkOffer(offer, options.now ?? Date.now())
  if (options.from != null) {
    try {
      assertOwner(cpi, options.from)
    } catch (err) {
      throw new InvalidOfferError('not-owner', `served by another peer: ${(err as Error).message}`)
    }
  }
  if (cpi.peerId.type !== 'Ed25519') {
    throw new InvalidOfferError('bad-cpi', `${offer.cpi}: only Ed25519 PeerIds carry the key that verifies an offer`)
  }
  // a signature by any other key fails here: ownership is the signature check
  if (!await verifyWithDomain(cpi.peerId.publicKey, OFFER_SIGNATURE_DOMAIN, offerBytes, signature)) {
    throw new InvalidOfferError('bad-signature', `the signature on ${offer.cpi} is not by ${cpi.peerId.toString()}`)
  }
  return { offer, cpi, seq: Number(offer.seq), expiresAt: Number(offer.expiresAt), bytes }
}
