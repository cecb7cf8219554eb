/**
 * The JSON form of a verified price update, as prices_latest, prices_history
 * and prices_subscription notifications carry it: the signed fields (seq and
 * times as numbers, safe because verification bounds them) and the CPI's parts.
 */
import { Type, type Static } from '@sinclair/typebox'
import { PriceShapeSchema, priceShape } from '../units/price-shape.ts'
import type { VerifiedPriceUpdate } from './message.ts'

export const PriceViewSchema = Type.Object({
  cpi: Type.String({ description: 'cpi:<provider>/<pool>' }),
  provider: Type.String({ description: 'PeerId of the provider (and signer)' }),
  pool: Type.String({ description: 'The pool name, the last part of the CPI' }),
  seq: Type.Integer({ description: 'From the same per-CPI counter as offers: the higher is the later word' }),
  class: Type.String({ description: 'The pool\'s class, as in its offer (e.g. gpu/nvidia/h100-80gb-hbm3)' }),
  region: Type.String({ description: 'Where the pool is, e.g. cn-east-1' }),
  price: PriceShapeSchema,
  availableGpus: Type.Integer({ description: 'GPUs free to lease' }),
  totalGpus: Type.Integer({ description: 'GPUs in the pool' }),
  issuedAt: Type.Integer({ description: 'unix ms, when the provider signed it' }),
  expiresAt: Type.Integer({ description: 'unix ms; past it the provider has stopped publishing and the entry is stale' }),
  withdrawn: Type.Boolean({ description: 'The pool was removed; only notifications carry true' })
}, { title: 'PriceUpdate', description: 'A verified price update, as prices_latest, prices_history and prices_subscription notifications carry it.' })
export type PriceView = Static<typeof PriceViewSchema>

export function toPriceView (verified: VerifiedPriceUpdate): PriceView {
  const { update, cpi } = verified
  return {
    cpi: update.cpi,
    provider: cpi.peerId.toString(),
    pool: cpi.pool,
    seq: verified.seq,
    class: update.class,
    region: update.region,
    price: priceShape(update.price?.microsPerGpuHour ?? 0n, update.price?.currency ?? ''),
    availableGpus: update.availableGpus,
    totalGpus: update.totalGpus,
    issuedAt: verified.issuedAt,
    expiresAt: verified.expiresAt,
    withdrawn: update.withdrawn
  }
}
