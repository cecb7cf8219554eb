/**
 * The published test vectors (docs/vectors/) against the code. First the
 * files must be exactly what the code makes now, so the spec and the code
 * cannot drift apart; `npm run vectors` (CPNET_WRITE_VECTORS=1) writes them
 * instead. Then the checked-in files are checked on their own, without the
 * generator: every key derives from its seed, every message decodes and
 * re-encodes to its bytes, every signature verifies with the signer's public
 * key over domain || bytes, and the project's verifiers accept the records.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { generateKeyPairFromSeed, publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import { concat } from 'uint8arrays/concat'
import { equals } from 'uint8arrays/equals'
import { describe, expect, it } from 'vitest'
import { cpiOfDhtKey } from '../../src/discovery/record.ts'
import { verifySignedOffer } from '../../src/discovery/signed-offer.ts'
import { formatCpi, parseCpi } from '../../src/identity/cpi.ts'
import { parseAgreement, verifySignedLease } from '../../src/lease/agreement.ts'
import { Accept, Grant, Quote, Release } from '../../src/lease/pb/lease.ts'
import { verifyPriceUpdate } from '../../src/pricing/message.ts'
import { StrictSign } from '@libp2p/gossipsub'
import { RPC } from '@libp2p/gossipsub/message'
import type { CapabilityFile } from './capability.ts'
import { CODECS, hex, toJson, unhex, utf8, type FamilyFile, type KeysFile, type MessageVector } from './format.ts'
import { generateVectors, VECTORS_DIR, vectorPath } from './generate.ts'
import { msgIdFnStrictSign, validateToRawMessage } from './gossipsub-internals.ts'
import type { LeaseFile } from './lease.ts'
import type { OfferFile } from './offer.ts'
import type { PriceFile } from './price.ts'

const generated = await generateVectors()

if (process.env.CPNET_WRITE_VECTORS === '1') {
  mkdirSync(VECTORS_DIR, { recursive: true })
  for (const [name, text] of generated) writeFileSync(vectorPath(name), text)
}

function read<T> (name: string): T {
  return JSON.parse(readFileSync(vectorPath(name), 'utf8')) as T
}

function sha256 (bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest())
}

/** Where two texts first differ, for a failure a person can act on. */
function firstDifference (checkedIn: string, generated: string): string {
  const a = checkedIn.split('\n')
  const b = generated.split('\n')
  const line = a.findIndex((l, i) => l !== b[i])
  const at = line < 0 ? a.length : line
  return `line ${at + 1}: checked in ${JSON.stringify(a[at]?.trim() ?? '(end)')}, generated ${JSON.stringify(b[at]?.trim() ?? '(end)')}`
}

function bytesOf (entry: MessageVector | undefined, name: string): Uint8Array {
  if (entry == null) throw new Error(`no message ${name}`)
  return unhex(entry.hex)
}

describe('docs/vectors/ is what the code makes', () => {
  it('has exactly the generated files', () => {
    const present = readdirSync(VECTORS_DIR).filter(f => f.endsWith('.json')).sort()
    expect(present, `docs/vectors/ should hold exactly these JSON files; run \`npm run vectors\``).toEqual([...generated.keys()].sort())
  })

  for (const [name, text] of generated) {
    it(`docs/vectors/${name} is current`, () => {
      if (!existsSync(vectorPath(name))) throw new Error(`docs/vectors/${name} is missing: run \`npm run vectors\` and check it in`)
      const current = readFileSync(vectorPath(name), 'utf8')
      if (current !== text) {
        throw new Error(`docs/vectors/${name} differs from what the code generates (${firstDifference(current, text)}). ` +
          'If the change of the wire is intended, run `npm run vectors`, review the diff and say so in docs/PROTOCOL.md; otherwise the code changed the wire by mistake.')
      }
    })
  }
})

describe('the checked-in vectors hold on their own', () => {
  const keys = (): KeysFile['keys'] => read<KeysFile>('keys.json').keys

  it('every key derives from its seed: public key, protobuf forms, PeerId', async () => {
    for (const k of Object.values(keys())) {
      const key = await generateKeyPairFromSeed('Ed25519', unhex(k.seed))
      const pub = unhex(k.publicKey)
      expect(hex(key.publicKey.raw)).toBe(k.publicKey)
      // KeyType Ed25519 = 1, field 1; the key bytes, field 2
      expect(k.publicKeyProtobuf).toBe(hex(concat([Uint8Array.of(0x08, 0x01, 0x12, 0x20), pub])))
      expect(k.privateKeyProtobuf).toBe(hex(concat([Uint8Array.of(0x08, 0x01, 0x12, 0x40), unhex(k.seed), pub])))
      // an identity multihash (code 0x00, length 36) of the protobuf public key
      expect(k.peerIdBytes).toBe(hex(concat([Uint8Array.of(0x00, 0x24), unhex(k.publicKeyProtobuf)])))
      expect(hex(peerIdFromString(k.peerId).toMultihash().bytes)).toBe(k.peerIdBytes)
    }
  })

  for (const file of ['offer.json', 'price.json', 'lease.json']) {
    it(`${file}: every message decodes to its fields and encodes back to its bytes`, () => {
      const family = read<FamilyFile & Partial<Pick<LeaseFile, 'frames'>>>(file)
      const frames = Object.entries(family.frames ?? {}).map(([n, m]) => [`frame ${n}`, m] as const)
      const messages = { ...family.messages, ...Object.fromEntries(frames) }
      for (const [name, m] of Object.entries(messages)) {
        const codec: { encode (obj: unknown): Uint8Array, decode (buf: Uint8Array): unknown } = CODECS[m.type]
        const decoded = codec.decode(unhex(m.hex))
        expect(toJson(decoded), `${file} ${name}`).toEqual(m.fields)
        expect(hex(codec.encode(decoded)), `${file} ${name}`).toBe(m.hex)
      }
    })

    it(`${file}: every signature is the signer's over domain || bytes`, async () => {
      const family = read<FamilyFile>(file)
      for (const [name, s] of Object.entries(family.signatures)) {
        if (s.message != null) expect(s.signed, `${file} ${name}`).toBe(family.messages[s.message]?.hex)
        expect(s.input, `${file} ${name}`).toBe(hex(concat([utf8(s.domain), unhex(s.signed)])))
        const signer = publicKeyFromRaw(unhex(keys()[s.signer].publicKey))
        expect(await signer.verify(unhex(s.input), unhex(s.signature)), `${file} ${name}`).toBe(true)
        const tampered = unhex(s.input)
        tampered[0] = (tampered[0] as number) ^ 1
        expect(await signer.verify(tampered, unhex(s.signature)), `${file} ${name} tampered`).toBe(false)
      }
    })
  }

  it('offer.json: the offer verifies as a DHT record under its key', async () => {
    const { provider } = keys()
    const f = read<OfferFile>('offer.json')
    const signed = bytesOf(f.messages.signedOffer, 'signedOffer')
    const verified = await verifySignedOffer(signed, { now: Number(f.inputs.now), from: peerIdFromString(provider.peerId) })
    expect(hex(verified.bytes)).toBe(f.messages.signedOffer?.hex)
    expect(f.messages.signedOffer?.fields).toEqual({ offer: f.messages.offer?.hex, signature: f.signatures.offer?.signature })
    expect(f.dhtKey.text).toBe(`/cpnet/${provider.peerId}/${verified.cpi.pool}`)
    expect(f.dhtKey.hex).toBe(hex(utf8(f.dhtKey.text)))
    const named = cpiOfDhtKey(unhex(f.dhtKey.hex))
    expect(formatCpi(named.peerId, named.pool)).toBe(verified.offer.cpi)
  })

  it('price.json: the update verifies, and gossipsub accepts the message that carries it, with the message id given', async () => {
    const { provider } = keys()
    const f = read<PriceFile>('price.json')
    const signed = bytesOf(f.messages.signedPriceUpdate, 'signedPriceUpdate')
    await verifyPriceUpdate(signed, { now: Number(f.inputs.now), signer: peerIdFromString(provider.peerId) })
    expect(f.messages.signedPriceUpdate?.fields).toEqual({ update: f.messages.priceUpdate?.hex, signature: f.signatures.priceUpdate?.signature })
    const toSign = RPC.Message.decode(bytesOf(f.messages.gossipMessageToSign, 'gossipMessageToSign'))
    const message = RPC.Message.decode(bytesOf(f.messages.gossipMessage, 'gossipMessage'))
    expect(toSign.signature == null && toSign.key == null).toBe(true)
    expect(toJson({ ...message, signature: undefined, key: undefined })).toEqual(toJson(toSign))
    expect(hex(message.data ?? new Uint8Array())).toBe(hex(signed))
    expect(hex(message.from ?? new Uint8Array())).toBe(provider.peerIdBytes)
    expect(hex(message.key ?? new Uint8Array())).toBe(provider.publicKeyProtobuf)
    expect(hex(message.signature ?? new Uint8Array())).toBe(f.signatures.gossipEnvelope?.signature)
    expect(message.topic).toBe(f.inputs.topic)
    expect(hex(message.seqno ?? new Uint8Array())).toBe(f.inputs.seqno)
    const rpc = RPC.decode(bytesOf(f.messages.gossipRpc, 'gossipRpc'))
    expect(rpc.messages.map(m => hex(RPC.Message.encode(m)))).toEqual([f.messages.gossipMessage?.hex])
    expect(f.messageId).toBe(provider.publicKeyProtobuf + String(f.inputs.seqno))
    // what a js-libp2p node does on receipt: StrictSign validation, then the default message id
    const received = await validateToRawMessage(StrictSign, message)
    if (!received.valid) throw new Error(`gossipsub refuses the message: ${received.error}`)
    expect(hex(msgIdFnStrictSign(received.message))).toBe(f.messageId)
  })

  it('capability.json: each CID is CIDv1 raw of the sha256 of the key', () => {
    const f = read<CapabilityFile>('capability.json')
    expect(f.keys.map(k => k.key)).toEqual([`cpnet/v1/class/${String(f.inputs.class)}`, `cpnet/v1/region/${String(f.inputs.region)}`, 'cpnet/v1/all'])
    for (const k of f.keys) {
      expect(k.utf8).toBe(hex(utf8(k.key)))
      expect(k.sha256).toBe(hex(sha256(utf8(k.key))))
      // CIDv1 (0x01), codec raw (0x55), multihash sha2-256 (0x12) of 32 bytes (0x20)
      expect(k.cidBytes).toBe(`01551220${k.sha256}`)
      expect(hex(CID.parse(k.cid).bytes)).toBe(k.cidBytes)
    }
  })

  it('lease.json: the lease id, the quote hash, both co-signed leases and the release', async () => {
    const { provider, consumer } = keys()
    const f = read<LeaseFile>('lease.json')
    const requestId = unhex(String(f.inputs.requestId))
    expect(f.leaseId.input).toBe(hex(concat([unhex(consumer.peerIdBytes), requestId])))
    expect(f.leaseId.sha256).toBe(hex(sha256(unhex(f.leaseId.input))))
    expect(f.leaseId.leaseId).toBe(f.leaseId.sha256.slice(0, 32))
    expect(f.accessHash.sha256).toBe(hex(sha256(bytesOf(f.messages.accessRequest, 'accessRequest'))))

    const agreement = bytesOf(f.messages.agreement, 'agreement')
    const parsed = parseAgreement(agreement)
    expect([parsed.agreement.leaseId, parsed.consumer.toString(), parsed.cpi.peerId.toString()]).toEqual([f.leaseId.leaseId, consumer.peerId, provider.peerId])
    expect(f.quoteHash.sha256).toBe(hex(sha256(agreement)))
    const quote = Quote.decode(bytesOf(f.messages.quote, 'quote'))
    expect(equals(quote.agreement, agreement)).toBe(true)
    expect(hex(quote.providerSignature)).toBe(f.signatures.quote?.signature)
    const accept = Accept.decode(bytesOf(f.messages.accept, 'accept'))
    expect(hex(accept.agreementHash)).toBe(f.quoteHash.sha256)
    expect(hex(accept.consumerSignature)).toBe(f.signatures.accept?.signature)

    const grant = Grant.decode(bytesOf(f.messages.grant, 'grant'))
    const renewal = Grant.decode(bytesOf(f.messages.renewalGrant, 'renewalGrant'))
    if (grant.lease == null || renewal.lease == null) throw new Error('a Grant without its lease')
    expect(hex(grant.lease.agreement)).toBe(hex(agreement))
    await verifySignedLease(grant.lease)
    const renewed = await verifySignedLease(renewal.lease)
    expect(hex(renewal.lease.agreement)).toBe(f.messages.renewedAgreement?.hex)
    expect([renewed.agreement.version, renewed.agreement.end - parsed.agreement.end]).toEqual([2, BigInt(Number(f.inputs.extendSec) * 1000)])
    expect(renewal.access).toBe(grant.access)

    const release = Release.decode(bytesOf(f.messages.release, 'release'))
    expect(release.leaseId).toBe(f.leaseId.leaseId)
    expect(f.signatures.release?.signed).toBe(hex(utf8(release.leaseId)))
    expect(hex(release.consumerSignature)).toBe(f.signatures.release?.signature)

    // each frame is its body under the body's field of LeaseMessage
    for (const [name, frame] of Object.entries(f.frames)) {
      const body = Object.keys(frame.fields as object)
      expect(body, `frame ${name}`).toHaveLength(1)
      expect(Object.values(frame.fields as object)[0], `frame ${name}`).toEqual(f.messages[name]?.fields)
    }
    expect(parseCpi(String(f.inputs.cpi)).peerId.toString()).toBe(provider.peerId)
  })
})
