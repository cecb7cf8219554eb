/**
 * Offers and price updates are twin signed records: the same case is refused
 * with the same reason, in the same order, whichever of the two it is.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { fromString as utf8 } from 'uint8arrays/from-string'
import { describe, expect, it } from 'vitest'
import { readDefaults } from '../../src/config/load.ts'
import { OFFER_MAX_ADDRS, OFFER_MAX_BYTES } from '../../src/discovery/constants.ts'
import { InvalidOfferError } from '../../src/discovery/errors.ts'
import { buildOffer } from '../../src/discovery/offer.ts'
import type { Offer } from '../../src/discovery/pb/offer.ts'
import { signOffer, verifySignedOffer } from '../../src/discovery/signed-offer.ts'
import { resolvePool } from '../../src/inventory/pool.ts'
import { PRICE_MAX_ADDRS, PRICE_UPDATE_MAX_BYTES } from '../../src/pricing/constants.ts'
import { InvalidPriceUpdateError } from '../../src/pricing/errors.ts'
import { verifyPriceUpdate } from '../../src/pricing/message.ts'
import type { PriceUpdate } from '../../src/pricing/pb/price.ts'
import { H100, signedUpdate } from '../pricing/fixtures.ts'

const key = await generateKeyPair('Ed25519')
const other = await generateKeyPair('Ed25519')
const peerId = peerIdFromPrivateKey(key)
const victim = peerIdFromPrivateKey(other)
const secp256k1 = peerIdFromPrivateKey(await generateKeyPair('secp256k1'))
const now = Date.now()
const HOUR_MS = 3_600_000

/** What both kinds carry: a patch of these fields applies to either. */
type SharedPatch = Partial<Pick<Offer & PriceUpdate, 'cpi' | 'seq' | 'issuedAt' | 'expiresAt' | 'region' | 'addrs'>>

interface Twin {
  name: string
  /** The encoded envelope of a record signed by `key`, patched. */
  signed: (patch: SharedPatch) => Promise<Uint8Array>
  /** The reason it is refused for, or 'accepted'. */
  reason: (bytes: Uint8Array, owner?: PeerId) => Promise<string>
  maxBytes: number
  maxAddrs: number
}

const pool = resolvePool(H100, readDefaults().provider, 'rpc')

const offers: Twin = {
  name: 'offer',
  signed: async patch => signOffer({ ...buildOffer(pool, { peerId, seq: now, now, ttlMs: 60_000, availableGpus: 6, addrs: [] }), ...patch }, key),
  reason: async (bytes, owner) => verifySignedOffer(bytes, { now, from: owner }).then(() => 'accepted', (err: unknown) => {
    expect(err).toBeInstanceOf(InvalidOfferError)
    return (err as InvalidOfferError).reason
  }),
  maxBytes: OFFER_MAX_BYTES,
  maxAddrs: OFFER_MAX_ADDRS
}

const prices: Twin = {
  name: 'price update',
  signed: async patch => signedUpdate(key, { now, patch }),
  reason: async (bytes, owner) => verifyPriceUpdate(bytes, { now, signer: owner }).then(() => 'accepted', (err: unknown) => {
    expect(err).toBeInstanceOf(InvalidPriceUpdateError)
    return (err as InvalidPriceUpdateError).reason
  }),
  maxBytes: PRICE_UPDATE_MAX_BYTES,
  maxAddrs: PRICE_MAX_ADDRS
}

const addr = multiaddr('/ip4/10.0.0.7/tcp/4001').bytes

const CASES: Array<[string, SharedPatch, string]> = [
  ['well-formed', {}, 'accepted'],
  ['a CPI that does not parse', { cpi: 'cpi:nope/h100' }, 'bad-cpi'],
  ['seq 0', { seq: 0n }, 'bad-field'],
  ['a seq above 2^53 - 1', { seq: 2n ** 60n }, 'bad-field'],
  ['expiring when issued', { issuedAt: BigInt(now), expiresAt: BigInt(now) }, 'bad-field'],
  ['valid for longer than a day', { issuedAt: BigInt(now), expiresAt: BigInt(now + 25 * HOUR_MS) }, 'bad-field'],
  ['issued an hour ahead', { issuedAt: BigInt(now + HOUR_MS), expiresAt: BigInt(now + 2 * HOUR_MS) }, 'skewed'],
  ['expired', { issuedAt: BigInt(now - 120_000), expiresAt: BigInt(now - 1) }, 'expired'],
  ['expired and with a bad region: the field first', { issuedAt: BigInt(now - 120_000), expiresAt: BigInt(now - 1), region: 'Not A Region' }, 'bad-field'],
  ['an addr that is no multiaddr', { addrs: [new Uint8Array([0xff, 0xff, 0xff])] }, 'bad-field'],
  // a dialler would take it for where the provider is: the PeerId is the CPI's, nowhere else
  ['an addr that names a peer (/p2p/)', { addrs: [multiaddr(`/ip4/10.0.0.7/tcp/4001/p2p/${victim.toString()}`).bytes] }, 'bad-field']
]

describe.each([offers, prices])('a signed $name', twin => {
  it.each(CASES)('%s', async (_, patch, expected) => {
    expect(await twin.reason(await twin.signed(patch))).toBe(expected)
  })

  it('one addr more than its kind allows is a bad field, not a record that fails to decode', async () => {
    expect(await twin.reason(await twin.signed({ addrs: Array.from({ length: twin.maxAddrs }, () => addr) }))).toBe('accepted')
    expect(await twin.reason(await twin.signed({ addrs: Array.from({ length: twin.maxAddrs + 1 }, () => addr) }))).toBe('bad-field')
  })

  it('is refused for its size, its encoding, its owner and its signature alike', async () => {
    expect(await twin.reason(new Uint8Array(twin.maxBytes + 1))).toBe('too-large')
    expect(await twin.reason(utf8('definitely not protobuf'))).toBe('malformed')
    expect(await twin.reason(await twin.signed({}), victim)).toBe('not-owner')
    expect(await twin.reason(await twin.signed({ cpi: `cpi:${victim.toString()}/h100` }))).toBe('bad-signature')
  })

  it('checks the owner, then the key type, then the signature', async () => {
    // a forgery of the victim's CPI, served by the forger: the owner check answers before the signature is looked at
    expect(await twin.reason(await twin.signed({ cpi: `cpi:${victim.toString()}/h100` }), peerId)).toBe('not-owner')
    // a PeerId that embeds no Ed25519 key: nothing could verify the record, whoever signed it
    expect(await twin.reason(await twin.signed({ cpi: `cpi:${secp256k1.toString()}/h100` }))).toBe('bad-cpi')
    expect(await twin.reason(await twin.signed({ cpi: `cpi:${secp256k1.toString()}/h100` }), secp256k1)).toBe('bad-cpi')
  })
})
