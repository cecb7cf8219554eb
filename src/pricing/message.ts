/**
 * Price updates: building one for a pool, signing it, and verifying one.
 * A SignedPriceUpdate is the PriceUpdate's bytes and an Ed25519 signature
 * over PRICE_SIGNATURE_DOMAIN || bytes by the provider's node key. Gossipsub
 * signs every message too (StrictSign), but that envelope belongs to the
 * gossip message: the inner signature makes the update itself
 * self-certifying, so that it can be passed on by other means later (this
 * node's history and RPC keep only the checked values for now). It costs a
 * second Ed25519 verify per update on every node.
 *
 * Verification order: size before decoding, fields and ownership before the
 * (costlier) signature check.
 */
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { assertOwner, formatCpi, parseCpi, type Cpi } from '../identity/cpi.ts'
import { signWithDomain, verifyWithDomain } from '../identity/domain-signature.ts'
import type { Pool } from '../inventory/pool.ts'
import type { Multiaddr } from '@multiformats/multiaddr'
import { PRICE_ADDR_MAX_BYTES, PRICE_MAX_ADDRS, PRICE_SIGNATURE_DOMAIN, PRICE_UPDATE_MAX_BYTES } from './constants.ts'
import { InvalidPriceUpdateError } from './errors.ts'
import { PriceUpdate, SignedPriceUpdate } from './pb/price.ts'
import { checkPriceUpdate } from './rules.ts'

/** One more than allowed, so that too many addrs decode and are refused by the rules with a reason. */
const DECODE_LIMITS = { limits: { addrs: PRICE_MAX_ADDRS + 1 } }

export interface PriceUpdateContext {
  peerId: PeerId
  seq: number
  now: number
  ttlMs: number
  availableGpus: number
  /** The provider's transport addresses; the first PRICE_MAX_ADDRS that fit go in. */
  addrs: Multiaddr[]
}

/** The update for a pool as it is now; a removed pool gets a withdrawal (no free GPUs). */
export function buildPriceUpdate (pool: Pool, ctx: PriceUpdateContext, withdrawn = false): PriceUpdate {
  return {
    cpi: formatCpi(ctx.peerId, pool.name),
    seq: BigInt(ctx.seq),
    price: { microsPerGpuHour: BigInt(pool.price.microsPerGpuHour), currency: pool.price.currency },
    availableGpus: withdrawn ? 0 : ctx.availableGpus,
    totalGpus: pool.gpus,
    issuedAt: BigInt(ctx.now),
    expiresAt: BigInt(ctx.now + ctx.ttlMs),
    class: pool.class,
    region: pool.region,
    withdrawn,
    addrs: ctx.addrs.map(ma => ma.bytes).filter(bytes => bytes.byteLength <= PRICE_ADDR_MAX_BYTES).slice(0, PRICE_MAX_ADDRS)
  }
}

/** An update that passed every check (or that this node signed), with its encoded SignedPriceUpdate. */
export interface VerifiedPriceUpdate {
  update: PriceUpdate
  cpi: Cpi
  seq: number
  issuedAt: number
  expiresAt: number
  /** The encoded SignedPriceUpdate, as published. */
  bytes: Uint8Array
}

/** Signs an update with the node key; the result is what this node publishes and keeps in its own book. */
export async function signPriceUpdate (update: PriceUpdate, key: PrivateKey): Promise<VerifiedPriceUpdate> {
  const updateBytes = PriceUpdate.encode(update)
  const bytes = SignedPriceUpdate.encode({ update: updateBytes, signature: await signWithDomain(key, PRICE_SIGNATURE_DOMAIN, updateBytes) })
  if (bytes.byteLength > PRICE_UPDATE_MAX_BYTES) {
    throw new InvalidPriceUpdateError('too-large', `the update for ${update.cpi} is ${bytes.byteLength} bytes, the limit is ${PRICE_UPDATE_MAX_BYTES}`)
  }
  return { update, cpi: parseCpi(update.cpi), seq: Number(update.seq), issuedAt: Number(update.issuedAt), expiresAt: Number(update.expiresAt), bytes }
}

export interface VerifyPriceOptions {
  /** Unix ms; defaults to Date.now(). */
  now?: number
  /** Who signed the carrier (the gossipsub message's `from`): it must own the CPI. */
  signer?: PeerId
}

/** Decodes and checks a SignedPriceUpdate; throws InvalidPriceUpdateError with the reason. */
export async function verifyPriceUpdate (bytes: Uint8Array, options: VerifyPriceOptions = {}): Promise<VerifiedPriceUpdate> {
  if (bytes.byteLength > PRICE_UPDATE_MAX_BYTES) {
    throw new InvalidPriceUpdateError('too-large', `${bytes.byteLength} bytes, the limit is ${PRICE_UPDATE_MAX_BYTES}`)
  }
  let signed: SignedPriceUpdate
  let update: PriceUpdate
  try {
    signed = SignedPriceUpdate.decode(bytes)
    update = PriceUpdate.decode(signed.update, DECODE_LIMITS)
  } catch (err) {
    throw new InvalidPriceUpdateError('malformed', (err as Error).message)
  }
  const checked = checkPriceUpdate(update, options.now ?? Date.now())
  const { cpi } = checked
  if (options.signer != null) {
    try {
      assertOwner(cpi, options.signer)
    } catch (err) {
      throw new InvalidPriceUpdateError('not-owner', (err as Error).message)
    }
  }
  if (cpi.peerId.type !== 'Ed25519') {
    throw new InvalidPriceUpdateError('bad-cpi', `${update.cpi}: only Ed25519 PeerIds carry the key that verifies an update`)
  }
  if (!await verifyWithDomain(cpi.peerId.publicKey, PRICE_SIGNATURE_DOMAIN, signed.update, signed.signature)) {
    throw new InvalidPriceUpdateError('bad-signature', `the signature on ${update.cpi} is not by ${cpi.peerId.toString()}`)
  }
  return { ...checked, update, bytes }
}
