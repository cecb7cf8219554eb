/**
 * The JSON form of a verified price update, as prices_latest, prices_history
 * and prices_subscription notifications carry it: the signed fields (seq and
 * times as numbers, safe because verification bounds them) and the CPI's parts.
 */
import { Type, type Static } from '@sinclair/typebox'
import { PriceShapeSchema, priceShape } from '../units/price-shape.ts'
import type { VerifiedPriceUpdate } from './message.ts'

export const PriceViewSchema = Type.Object({
  cpi: Type.String(),
  provider: Type.String({ description: 'PeerId of the provider (and signer)' }),
  pool: Type.String(),
  seq: Type.Integer({ description: 'From the same per-CPI counter as offers: the higher is the later word' }),
  class: Type.String(),
  region: Type.String(),
  price: PriceShapeSchema,
  availableGpus: Type.Integer(),
  totalGpus: Type.Integer(),
  issuedAt: Type.Integer({ description: 'unix ms' }),
  expiresAt: Type.Integer({ description: 'unix ms' }),
  withdrawn: Type.Boolean({ description: 'The pool was removed; only notifications carry these' })
})
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
