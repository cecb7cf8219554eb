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
import { fromString as utf8 } from 'uint8arrays/from-string'
import { concat } from 'uint8arrays/concat'
import { assertOwner, type Cpi } from '../identity/cpi.ts'
import { OFFER_MAX_ADDRS, OFFER_MAX_BYTES, OFFER_MAX_LABELS, OFFER_SIGNATURE_DOMAIN } from './constants.ts'
import { InvalidOfferError } from './errors.ts'
import { checkOffer } from './offer-rules.ts'
import { Offer, SignedOffer } from './pb/offer.ts'

const DOMAIN = utf8(OFFER_SIGNATURE_DOMAIN)
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

function signedPayload (offerBytes: Uint8Array): Uint8Array {
  return concat([DOMAIN, offerBytes])
}

export async function signOffer (offer: Offer, key: PrivateKey): Promise<Uint8Array> {
  const offerBytes = Offer.encode(offer)
  // copied: the key may hand back a view on a shared buffer, the message wants its own
  const signature = new Uint8Array(await key.sign(signedPayload(offerBytes)))
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
  let valid = false
  try {
    valid = await cpi.peerId.publicKey.verify(signedPayload(offerBytes), signature)
  } catch {
    valid = false
  }
  // a signature by any other key fails here: ownership is the signature check
  if (!valid) throw new InvalidOfferError('bad-signature', `the signature on ${offer.cpi} is not by ${cpi.peerId.toString()}`)
  return { offer, cpi, seq: Number(offer.seq), expiresAt: Number(offer.expiresAt), bytes }
}
