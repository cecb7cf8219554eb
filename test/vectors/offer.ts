/** offer.json: the provider's signed offer for the pool, and the DHT key it is stored under (docs/PROTOCOL.md §2, §3). */
import { OFFER_SIGNATURE_DOMAIN } from '../../src/discovery/constants.ts'
import { buildOffer } from '../../src/discovery/offer.ts'
import { SignedOffer } from '../../src/discovery/pb/offer.ts'
import { offerDhtKey } from '../../src/discovery/record.ts'
import { signOffer } from '../../src/discovery/signed-offer.ts'
import { parseCpi } from '../../src/identity/cpi.ts'
import { messageVector, signatureVector } from './build.ts'
import { hex, toJson, type FamilyFile } from './format.ts'
import { ADDRS, OFFER_AT_MS, OFFER_TTL_MS, POOL } from './inputs.ts'
import type { VectorKeys } from './keys.ts'

export interface OfferFile extends FamilyFile {
  dhtKey: { text: string, hex: string }
}

/** Free GPUs when the offer is signed. */
const AVAILABLE_GPUS = 6

export async function offerFile (keys: VectorKeys): Promise<OfferFile> {
  const { peerId, key } = keys.provider
  const offer = buildOffer(POOL, { peerId, seq: OFFER_AT_MS, now: OFFER_AT_MS, ttlMs: OFFER_TTL_MS, availableGpus: AVAILABLE_GPUS, addrs: ADDRS })
  const bytes = await signOffer(offer, key)
  const signed = SignedOffer.decode(bytes)
  const dhtKey = offerDhtKey(parseCpi(offer.cpi))
  // the pool's devices stay on the provider: an offer never carries them, so they are no input of it
  const { devices: _devices, ...offered } = POOL
  return {
    about: 'A signed offer for pool h100 of the provider key, and its DHT key.',
    inputs: {
      provider: 'provider',
      pool: toJson(offered),
      seq: OFFER_AT_MS,
      now: OFFER_AT_MS,
      ttlMs: OFFER_TTL_MS,
      availableGpus: AVAILABLE_GPUS,
      addrs: ADDRS.map(ma => ma.toString())
    },
    messages: {
      offer: messageVector('Offer', signed.offer),
      signedOffer: messageVector('SignedOffer', bytes)
    },
    signatures: {
      offer: signatureVector({ signer: 'provider', domain: OFFER_SIGNATURE_DOMAIN, message: 'offer', signed: signed.offer, signature: signed.signature })
    },
    dhtKey: { text: new TextDecoder().decode(dhtKey), hex: hex(dhtKey) }
  }
}
