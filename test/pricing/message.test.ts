/** Price updates: build, sign and verify, and every reason an update is refused. */
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { verifyPriceUpdate } from '../../src/pricing/message.ts'
import { InvalidPriceUpdateError } from '../../src/pricing/errors.ts'
import { PriceUpdate, SignedPriceUpdate } from '../../src/pricing/pb/price.ts'
import { OFFER_SIGNATURE_DOMAIN } from '../../src/discovery/constants.ts'
import { PRICE_MAX_CLOCK_SKEW_MS, PRICE_MAX_LIFETIME_MS, PRICE_UPDATE_MAX_BYTES } from '../../src/pricing/constants.ts'
import { signedUpdate, H100 } from './fixtures.ts'

const key = await generateKeyPair('Ed25519')
const other = await generateKeyPair('Ed25519')
const peerId = peerIdFromPrivateKey(key)

async function reason (bytes: Uint8Array, options = {}): Promise<string> {
  try {
    await verifyPriceUpdate(bytes, options)
    return 'accepted'
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidPriceUpdateError)
    expect((err as Error).name).toBe('InvalidPriceUpdateError')
    return (err as InvalidPriceUpdateError).reason
  }
}

describe('price updates', () => {
  it('round-trip: every field the pool and capacity give, verified from the PeerId in the CPI', async () => {
    const now = Date.now()
    const bytes = await signedUpdate(key, { now, seq: 42, free: 5, ttlMs: 9_000 })
    expect(bytes.byteLength).toBeLessThan(PRICE_UPDATE_MAX_BYTES)
    const v = await verifyPriceUpdate(bytes, { signer: peerId })
    expect(v.update).toEqual({
      cpi: `cpi:${peerId.toString()}/h100`,
      seq: 42n,
      price: { microsPerGpuHour: 2_500_000n, currency: 'USD' },
      availableGpus: 5,
      totalGpus: 8,
      issuedAt: BigInt(now),
      expiresAt: BigInt(now + 9_000),
      class: 'gpu/nvidia/h100-80gb-hbm3',
      region: 'cn-east-1',
      withdrawn: false,
      addrs: [multiaddr('/ip4/10.0.0.7/tcp/4001').bytes]
    })
    expect([v.seq, v.issuedAt, v.expiresAt, v.cpi.pool]).toEqual([42, now, now + 9_000, 'h100'])
  })

  it('refuses another key\'s update for this CPI, a carrier signed by another peer, and a signature for another domain', async () => {
    expect(await reason(await signedUpdate(other, { owner: peerId }))).toBe('bad-signature')
    expect(await reason(await signedUpdate(key), { signer: peerIdFromPrivateKey(other) })).toBe('not-owner')
    // an offer signature over the same bytes is not a price signature
    expect(await reason(await signedUpdate(key, { domain: OFFER_SIGNATURE_DOMAIN }))).toBe('bad-signature')
  })

  it('refuses malformed and oversize bytes before anything else', async () => {
    expect(await reason(new Uint8Array([0xff, 0xff, 0xff]))).toBe('malformed')
    expect(await reason(SignedPriceUpdate.encode({ update: new Uint8Array([0x0a, 0xff]), signature: new Uint8Array(64) }))).toBe('malformed')
    expect(await reason(new Uint8Array(PRICE_UPDATE_MAX_BYTES + 1))).toBe('too-large')
  })

  it.each([
    ['seq 0', { seq: 0n }],
    ['seq beyond 2^53', { seq: 2n ** 60n }],
    ['free above total', { availableGpus: 9 }],
    ['no GPUs at all', { totalGpus: 0, availableGpus: 0 }],
    ['a price beyond 2^53 micros', { price: { microsPerGpuHour: 2n ** 54n, currency: 'USD' } }],
    ['a lower-case currency', { price: { microsPerGpuHour: 1n, currency: 'usd' } }],
    ['no price', { price: undefined }],
    ['a bad class', { class: 'H100' }],
    ['a bad region', { region: 'CN East' }],
    ['a withdrawal with free GPUs', { withdrawn: true, availableGpus: 3 }],
    ['expiry before issue', { expiresAt: 1n }],
    ['five addrs', { addrs: Array.from({ length: 5 }, (_, i) => multiaddr(`/ip4/10.0.0.${i}/tcp/4001`).bytes) }],
    ['an addr that is not a multiaddr', { addrs: [new Uint8Array([0xff, 0xff, 0xff])] }],
    ['an addr over 64 bytes', { addrs: [multiaddr(`/dns4/${'a'.repeat(70)}.example/tcp/4001`).bytes] }],
    ['an addr naming a peer', { addrs: [multiaddr('/ip4/10.0.0.7/tcp/4001/p2p/12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK').bytes] }]
  ])('refuses %s as bad-field', async (_name, patch) => {
    expect(await reason(await signedUpdate(key, { patch: patch as Partial<PriceUpdate> }))).toBe('bad-field')
  })

  it('refuses a bad CPI, a validity longer than the cap, a clock skewed into the future, an expired update', async () => {
    expect(await reason(await signedUpdate(key, { patch: { cpi: 'cpi:nope/h100' } }))).toBe('bad-cpi')
    const now = Date.now()
    expect(await reason(await signedUpdate(key, { now, ttlMs: PRICE_MAX_LIFETIME_MS + 1 }))).toBe('bad-field')
    expect(await reason(await signedUpdate(key, { now: now + PRICE_MAX_CLOCK_SKEW_MS + 5_000 }), { now })).toBe('skewed')
    expect(await reason(await signedUpdate(key, { now: now + PRICE_MAX_CLOCK_SKEW_MS - 5_000 }), { now })).toBe('accepted')
    expect(await reason(await signedUpdate(key, { now: now - 120_000, ttlMs: 60_000 }), { now })).toBe('expired')
  })

  it('a withdrawal carries no free GPUs and the pool\'s last details', async () => {
    const bytes = await signedUpdate(key, { patch: { withdrawn: true, availableGpus: 0 } })
    const v = await verifyPriceUpdate(bytes)
    expect([v.update.withdrawn, v.update.availableGpus, v.update.totalGpus, v.update.class]).toEqual([true, 0, H100.gpus, 'gpu/nvidia/h100-80gb-hbm3'])
    expect(PriceUpdate.decode(SignedPriceUpdate.decode(bytes).update).withdrawn).toBe(true)
  })
})
