/** Price updates for tests: well-formed ones, and every kind of bad one, signed by any key. */
import { multiaddr } from '@multiformats/multiaddr'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Message } from '@libp2p/gossipsub'
import { readDefaults } from '../../src/config/load.ts'
import type { PoolSpec } from '../../src/config/pool-schema.ts'
import { resolvePool, type Pool } from '../../src/inventory/pool.ts'
import { PRICES_TOPIC, PRICE_SIGNATURE_DOMAIN } from '../../src/pricing/constants.ts'
import { buildPriceUpdate, signPriceUpdate, type VerifiedPriceUpdate } from '../../src/pricing/message.ts'
import { PriceUpdate, SignedPriceUpdate } from '../../src/pricing/pb/price.ts'
import { signWithDomain } from '../../src/identity/domain-signature.ts'

export const H100: PoolSpec = { name: 'h100', model: 'NVIDIA H100 80GB HBM3', gpus: 8, gpuMemoryMib: 81559, region: 'cn-east-1', labels: ['spot'], price: { microsPerGpuHour: 2_500_000, currency: 'USD' } }

export function pool (spec: PoolSpec = H100): Pool {
  return resolvePool(spec, readDefaults().provider, 'rpc')
}

export interface UpdateOptions {
  /** Whose CPI the update names; the signer's own by default. */
  owner?: PeerId
  seq?: number
  now?: number
  ttlMs?: number
  free?: number
  patch?: Partial<PriceUpdate>
  spec?: PoolSpec
  /** The domain the signature covers; the price domain by default. */
  domain?: string
}

export function priceUpdate (key: PrivateKey, o: UpdateOptions = {}): PriceUpdate {
  const now = o.now ?? Date.now()
  return {
    ...buildPriceUpdate(pool(o.spec), { peerId: o.owner ?? peerIdFromPrivateKey(key), seq: o.seq ?? now, now, ttlMs: o.ttlMs ?? 60_000, availableGpus: o.free ?? 6, addrs: [multiaddr('/ip4/10.0.0.7/tcp/4001')] }),
    ...o.patch
  }
}

/** An encoded SignedPriceUpdate, signed by `key`, as the options shape it (however wrong). */
export async function signedUpdate (key: PrivateKey, o: UpdateOptions = {}): Promise<Uint8Array> {
  const bytes = PriceUpdate.encode(priceUpdate(key, o))
  return SignedPriceUpdate.encode({ update: bytes, signature: await signWithDomain(key, o.domain ?? PRICE_SIGNATURE_DOMAIN, bytes) })
}

export async function verifiedUpdate (key: PrivateKey, o: UpdateOptions = {}): Promise<VerifiedPriceUpdate> {
  return signPriceUpdate(priceUpdate(key, o), key)
}

/** A gossipsub message as a topic validator gets it (gossipsub checked the envelope's signature before). */
export function gossipMessage (from: PrivateKey, data: Uint8Array): Message {
  return { type: 'signed', from: peerIdFromPrivateKey(from), topic: PRICES_TOPIC, data, sequenceNumber: 1n, signature: new Uint8Array(64), key: from.publicKey }
}
