import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { fromString as utf8 } from 'uint8arrays/from-string'
import { buildOffer, buildWithdrawal } from '../../src/discovery/offer.ts'
import { signOffer, verifySignedOffer } from '../../src/discovery/signed-offer.ts'
import { Offer, SignedOffer } from '../../src/discovery/pb/offer.ts'
import { cpiOfDhtKey, offerDhtKey, offerSelector, offerValidator } from '../../src/discovery/record.ts'
import { SeqFloor } from '../../src/discovery/seq-floor.ts'
import { InvalidOfferError } from '../../src/discovery/errors.ts'
import { OFFER_MAX_BYTES } from '../../src/discovery/constants.ts'
import { capabilityCid, capabilityKeys } from '../../src/discovery/capability.ts'
import { resolvePool } from '../../src/inventory/pool.ts'
import { readDefaults } from '../../src/config/load.ts'
import { parseCpi } from '../../src/identity/cpi.ts'

const key = await generateKeyPair('Ed25519')
const other = await generateKeyPair('Ed25519')
const peerId = peerIdFromPrivateKey(key)
const pool = resolvePool({ name: 'h100', model: 'NVIDIA H100 80GB HBM3', gpus: 8, gpuMemoryMib: 81559, region: 'cn-east-1', labels: ['spot'] }, readDefaults().provider, 'rpc')
const now = Date.now()

function offer (patch: Partial<Offer> = {}, seq = now): Offer {
  return { ...buildOffer(pool, { peerId, seq, now, ttlMs: 60_000, availableGpus: 6, addrs: [] }), ...patch }
}

async function rejection (bytes: Uint8Array, options = {}): Promise<string> {
  try {
    await verifySignedOffer(bytes, options)
    return 'accepted'
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidOfferError)
    return (err as InvalidOfferError).reason
  }
}

describe('signed offers', () => {
  it('round-trips: signed by the node key, verified from the PeerId in the CPI', async () => {
    const verified = await verifySignedOffer(await signOffer(offer(), key), { from: peerId })
    expect(verified.offer.cpi).toBe(`cpi:${peerId.toString()}/h100`)
    expect(verified.offer.resource?.availableGpus).toBe(6)
    expect(verified.seq).toBe(now)
  })

  it('rejects, with a reason, every kind of bad offer', async () => {
    const victim = peerIdFromPrivateKey(other)
    const forged = await signOffer({ ...offer(), cpi: `cpi:${victim.toString()}/h100` }, key)
    expect(await rejection(forged)).toBe('bad-signature')
    expect(await rejection(await signOffer(offer(), key), { from: victim })).toBe('not-owner')
    expect(await rejection(await signOffer(offer({ issuedAt: BigInt(now - 120_000), expiresAt: BigInt(now - 1) }), key))).toBe('expired')
    expect(await rejection(await signOffer(offer({ issuedAt: BigInt(now + 3_600_000), expiresAt: BigInt(now + 3_700_000) }), key))).toBe('skewed')
    expect(await rejection(await signOffer(offer({ region: 'Not A Region' }), key))).toBe('bad-field')
    expect(await rejection(await signOffer(offer({ cpi: 'cpi:nope/h100' }), key))).toBe('bad-cpi')
    expect(await rejection(new Uint8Array(OFFER_MAX_BYTES + 1))).toBe('too-large')
    expect(await rejection(utf8('definitely not protobuf'))).toBe('malformed')
    const good = SignedOffer.decode(await signOffer(offer(), key))
    const tampered = Offer.decode(good.offer)
    tampered.price = { microsPerGpuHour: 1n, currency: 'USD' }
    expect(await rejection(SignedOffer.encode({ offer: Offer.encode(tampered), signature: good.signature }))).toBe('bad-signature')
  })

  it('refuses to sign an offer over the size cap', async () => {
    await expect(signOffer(offer({ region: 'x'.repeat(OFFER_MAX_BYTES) }), key)).rejects.toThrow(/limit/)
  })

  it('a withdrawal has a higher seq, no free GPUs and the withdrawn flag', () => {
    const w = buildWithdrawal(offer(), { seq: now + 1, now, ttlMs: 1000 })
    expect([w.seq, w.resource?.availableGpus, w.withdrawn]).toEqual([BigInt(now + 1), 0, true])
  })
})

describe('DHT record validator and selector', () => {
  const dhtKey = offerDhtKey(parseCpi(`cpi:${peerId.toString()}/h100`))

  it('keys are /cpnet/<peerId>/<pool>', () => {
    expect(new TextDecoder().decode(dhtKey)).toBe(`/cpnet/${peerId.toString()}/h100`)
    expect(cpiOfDhtKey(dhtKey).pool).toBe('h100')
    expect(() => cpiOfDhtKey(utf8('/pk/abc'))).toThrow(/not under/)
  })

  it('accepts a valid record, and refuses one under another key or older than one seen', async () => {
    const validate = offerValidator(new SeqFloor())
    await validate(dhtKey, await signOffer(offer({}, now + 10), key))
    const otherKey = offerDhtKey(parseCpi(`cpi:${peerId.toString()}/a100`))
    await expect(validate(otherKey, await signOffer(offer({}, now + 11), key))).rejects.toThrow(/wrong-key/)
    await expect(validate(dhtKey, await signOffer(offer({}, now + 5), key))).rejects.toThrow(/stale-seq/)
    await validate(dhtKey, await signOffer(offer({}, now + 10), key))
  })

  it('selects the highest seq', async () => {
    const records = await Promise.all([3, 9, 5].map(async d => signOffer(offer({}, now + d), key)))
    expect(offerSelector(dhtKey, records)).toBe(1)
  })

  it('capability keys are CIDv1 raw sha256 of the class, region and all strings', async () => {
    expect(capabilityKeys(pool)).toEqual(['cpnet/v1/class/gpu/nvidia/h100-80gb-hbm3', 'cpnet/v1/region/cn-east-1', 'cpnet/v1/all'])
    const cid = await capabilityCid('cpnet/v1/all')
    expect([cid.version, cid.code, cid.multihash.code]).toEqual([1, 0x55, 0x12])
  })
})
