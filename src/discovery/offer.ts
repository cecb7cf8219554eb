/**
 * Builds the Offer message for one pool: what the provider signs and
 * publishes. The offer is the pool's description plus the moment's free
 * capacity, a seq and a validity window.
 */
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { formatCpi } from '../identity/cpi.ts'
import type { Pool } from '../inventory/pool.ts'
import { OFFER_MAX_ADDRS } from './constants.ts'
import type { Offer } from './pb/offer.ts'

export interface OfferContext {
  peerId: PeerId
  seq: number
  now: number
  ttlMs: number
  availableGpus: number
  addrs: Multiaddr[]
}

export function buildOffer (pool: Pool, ctx: OfferContext): Offer {
  return {
    cpi: formatCpi(ctx.peerId, pool.name),
    seq: BigInt(ctx.seq),
    issuedAt: BigInt(ctx.now),
    expiresAt: BigInt(ctx.now + ctx.ttlMs),
    resource: {
      vendor: pool.vendor,
      model: pool.model,
      class: pool.class,
      gpuMemoryMib: pool.gpuMemoryMib,
      totalGpus: pool.gpus,
      availableGpus: ctx.availableGpus,
      interconnect: pool.interconnect,
      cpuCores: pool.cpuCores,
      ramGib: pool.ramGib,
      diskGib: pool.diskGib,
      bandwidthMbps: pool.bandwidthMbps
    },
    region: pool.region,
    labels: [...pool.labels],
    price: { microsPerGpuHour: BigInt(pool.price.microsPerGpuHour), currency: pool.price.currency },
    minLeaseSec: pool.minLeaseSec,
    maxLeaseSec: pool.maxLeaseSec,
    addrs: ctx.addrs.slice(0, OFFER_MAX_ADDRS).map(ma => ma.bytes),
    withdrawn: false
  }
}

/**
 * The record that replaces a removed pool's offer: a higher seq, no free GPUs
 * and `withdrawn`, so DHT peers and caches holding the old offer drop it.
 */
export function buildWithdrawal (last: Offer, ctx: Pick<OfferContext, 'seq' | 'now' | 'ttlMs'>): Offer {
  return {
    ...last,
    seq: BigInt(ctx.seq),
    issuedAt: BigInt(ctx.now),
    expiresAt: BigInt(ctx.now + ctx.ttlMs),
    resource: last.resource != null ? { ...last.resource, availableGpus: 0 } : undefined,
    withdrawn: true
  }
}
