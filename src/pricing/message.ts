/**
 * Price updates: building one for a pool, signing it, and verifying one.
 * A SignedPriceUpdate is a signed record (identity/signed-record.ts) of the
 * PriceUpdate's bytes, signed over PRICE_SIGNATURE_DOMAIN || bytes by the
 * provider's node key. Gossipsub signs every message too (StrictSign), but
 * that envelope belongs to the gossip message: the inner signature makes the
 * update itself self-certifying, so that it can be passed on by other means
 * later (this node's history and RPC keep only the checked values for now).
 * It costs a second Ed25519 verify per update on every node.
 */
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { formatCpi, parseCpi, type Cpi } from '../identity/cpi.ts'
import { signRecord, verifyRecord, type SignedRecordKind } from '../identity/signed-record.ts'
import type { Pool } from '../inventory/pool.ts'
import type { Multiaddr } from '@multiformats/multiaddr'
import { PRICE_ADDR_MAX_BYTES, PRICE_MAX_ADDRS, PRICE_SIGNATURE_DOMAIN, PRICE_UPDATE_MAX_BYTES } from './constants.ts'
import { PriceUpdate, SignedPriceUpdate } from './pb/price.ts'
import { checkPriceUpdate, refuseUpdate, type CheckedTimes } from './rules.ts'

/** One more than allowed, so that too many addrs decode and are refused by the rules with a reason. */
const DECODE_LIMITS = { limits: { addrs: PRICE_MAX_ADDRS + 1 } }

const PRICE_RECORD: SignedRecordKind<PriceUpdate, CheckedTimes> = {
  noun: 'update',
  domain: PRICE_SIGNATURE_DOMAIN,
  maxBytes: PRICE_UPDATE_MAX_BYTES,
  encodeRecord: update => PriceUpdate.encode(update),
  decodeRecord: bytes => PriceUpdate.decode(bytes, DECODE_LIMITS),
  encodeEnvelope: ({ payload, signature }) => SignedPriceUpdate.encode({ update: payload, signature }),
  decodeEnvelope: bytes => {
    const signed = SignedPriceUpdate.decode(bytes)
    return { payload: signed.update, signature: signed.signature }
  },
  check: checkPriceUpdate,
  refuse: refuseUpdate
}

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
  const bytes = await signRecord(PRICE_RECORD, update, key)
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
  const { record, checked } = await verifyRecord(PRICE_RECORD, bytes, { now: options.now, owner: options.signer })
  return { ...checked, update: record, bytes }
}
