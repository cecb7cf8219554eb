/**
 * price.json: a price update for the pool, its inner signature, and the
 * gossipsub message that carries it with the envelope signature
 * (docs/PROTOCOL.md §7). The envelope is built as @libp2p/gossipsub's
 * buildRawMessage builds it under StrictSign: the signature covers
 * "libp2p-pubsub:" || RPC.Message with `signature` and `key` left out, and
 * `key` is the protobuf public key. That function draws the seqno from a
 * counter started at the clock, so it cannot make a fixed vector; the seqno
 * is fixed here and the test has gossipsub's own validator check the result.
 */
import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { RPC } from '@libp2p/gossipsub/message'
import { concat } from 'uint8arrays/concat'
import { toString as toUtf8 } from 'uint8arrays/to-string'
import { PRICES_TOPIC, PRICE_SIGNATURE_DOMAIN } from '../../src/pricing/constants.ts'
import { buildPriceUpdate, signPriceUpdate } from '../../src/pricing/message.ts'
import { SignedPriceUpdate } from '../../src/pricing/pb/price.ts'
import { messageVector, signatureVector } from './build.ts'
import { hex, utf8, type FamilyFile } from './format.ts'
import { SignPrefix } from './gossipsub-internals.ts'
import { ADDRS, POOL, PRICE_AT_MS, PRICE_TTL_MS } from './inputs.ts'
import type { VectorKeys } from './keys.ts'

/** What gossipsub prefixes to the message it signs ("libp2p-pubsub:"). */
const PUBSUB_SIGNATURE_DOMAIN = toUtf8(SignPrefix)

export interface PriceFile extends FamilyFile {
  /** The gossipsub message id of the message, as @libp2p/gossipsub computes it under StrictSign. */
  messageId: string
}

/** Free GPUs when the update is signed (two were leased since the offer). */
const AVAILABLE_GPUS = 4

/** A gossipsub seqno: 8 bytes, big-endian; js-libp2p starts its counter at the clock in ns. */
function seqnoBytes (seqno: bigint): Uint8Array {
  const bytes = new Uint8Array(8)
  new DataView(bytes.buffer).setBigUint64(0, seqno, false)
  return bytes
}

export async function priceFile (keys: VectorKeys): Promise<PriceFile> {
  const { peerId, key } = keys.provider
  const update = buildPriceUpdate(POOL, { peerId, seq: PRICE_AT_MS, now: PRICE_AT_MS, ttlMs: PRICE_TTL_MS, availableGpus: AVAILABLE_GPUS, addrs: ADDRS })
  const { bytes } = await signPriceUpdate(update, key)
  const signed = SignedPriceUpdate.decode(bytes)

  const seqno = seqnoBytes(BigInt(PRICE_AT_MS) * 1_000_000n + 1n)
  const unsigned = { from: peerId.toMultihash().bytes, data: bytes, seqno, topic: PRICES_TOPIC }
  const unsignedBytes = RPC.Message.encode(unsigned)
  const envelopeSignature = await key.sign(concat([utf8(PUBSUB_SIGNATURE_DOMAIN), unsignedBytes]))
  const publicKey = publicKeyToProtobuf(key.publicKey)
  const message = { ...unsigned, signature: envelopeSignature, key: publicKey }
  return {
    about: 'A price update for pool h100 of the provider key, signed, in the signed gossipsub message that carries it.',
    inputs: {
      provider: 'provider',
      pool: 'the pool of offer.json',
      seq: PRICE_AT_MS,
      now: PRICE_AT_MS,
      ttlMs: PRICE_TTL_MS,
      availableGpus: AVAILABLE_GPUS,
      addrs: ADDRS.map(ma => ma.toString()),
      topic: PRICES_TOPIC,
      seqno: hex(seqno)
    },
    messages: {
      priceUpdate: messageVector('PriceUpdate', signed.update),
      signedPriceUpdate: messageVector('SignedPriceUpdate', bytes),
      gossipMessageToSign: messageVector('RPC.Message', unsignedBytes),
      gossipMessage: messageVector('RPC.Message', RPC.Message.encode(message)),
      gossipRpc: messageVector('RPC', RPC.encode({ subscriptions: [], messages: [message] }))
    },
    signatures: {
      priceUpdate: signatureVector({ signer: 'provider', domain: PRICE_SIGNATURE_DOMAIN, message: 'priceUpdate', signed: signed.update, signature: signed.signature }),
      gossipEnvelope: signatureVector({ signer: 'provider', domain: PUBSUB_SIGNATURE_DOMAIN, message: 'gossipMessageToSign', signed: unsignedBytes, signature: envelopeSignature })
    },
    messageId: hex(concat([publicKey, seqno]))
  }
}
