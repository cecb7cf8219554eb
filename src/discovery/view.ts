/**
 * The JSON form of a verified offer, as offers_search and offers_get return
 * it: the signed fields as they are (seq and times as numbers, safe because
 * verification bounds them), plus where it came from, the provider's RTT and
 * whether it is this node's own.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { Type, type Static } from '@sinclair/typebox'
import { PriceShapeSchema, priceShape } from '../units/price-shape.ts'
import type { SearchHit } from './search.ts'

export const OfferViewSchema = Type.Object({
  cpi: Type.String(),
  provider: Type.String({ description: 'PeerId of the provider (and signer)' }),
  pool: Type.String(),
  seq: Type.Integer(),
  issuedAt: Type.Integer({ description: 'unix ms' }),
  expiresAt: Type.Integer({ description: 'unix ms' }),
  resource: Type.Object({
    vendor: Type.String(),
    model: Type.String(),
    class: Type.String(),
    gpuMemoryMib: Type.Integer(),
    totalGpus: Type.Integer(),
    availableGpus: Type.Integer(),
    interconnect: Type.String(),
    cpuCores: Type.Integer(),
    ramGib: Type.Integer(),
    diskGib: Type.Integer(),
    bandwidthMbps: Type.Integer()
  }),
  region: Type.String(),
  labels: Type.Array(Type.String()),
  price: PriceShapeSchema,
  minLeaseSec: Type.Integer(),
  maxLeaseSec: Type.Integer(),
  addrs: Type.Array(Type.String()),
  source: Type.Union([Type.Literal('direct'), Type.Literal('dht'), Type.Literal('cache')]),
  rttMs: Type.Optional(Type.Number()),
  livePrice: Type.Optional(Type.Boolean({ description: 'price, availableGpus and seq come from a price update newer than the signed offer' })),
  local: Type.Optional(Type.Literal(true, { description: "one of this node's own offers: never a lease candidate for this node" }))
})
export type OfferView = Static<typeof OfferViewSchema>

function addrText (bytes: Uint8Array): string {
  try {
    return multiaddr(bytes).toString()
  } catch {
    return ''
  }
}

export function toOfferView (hit: SearchHit): OfferView {
  const { offer, cpi, seq, expiresAt } = hit.verified
  const r = offer.resource
  return {
    cpi: offer.cpi,
    provider: cpi.peerId.toString(),
    pool: cpi.pool,
    seq,
    issuedAt: Number(offer.issuedAt),
    expiresAt,
    resource: {
      vendor: r?.vendor ?? '',
      model: r?.model ?? '',
      class: r?.class ?? '',
      gpuMemoryMib: r?.gpuMemoryMib ?? 0,
      totalGpus: r?.totalGpus ?? 0,
      availableGpus: r?.availableGpus ?? 0,
      interconnect: r?.interconnect ?? '',
      cpuCores: r?.cpuCores ?? 0,
      ramGib: r?.ramGib ?? 0,
      diskGib: r?.diskGib ?? 0,
      bandwidthMbps: r?.bandwidthMbps ?? 0
    },
    region: offer.region,
    labels: offer.labels,
    price: priceShape(offer.price?.microsPerGpuHour ?? 0n, offer.price?.currency ?? ''),
    minLeaseSec: offer.minLeaseSec,
    maxLeaseSec: offer.maxLeaseSec,
    addrs: offer.addrs.map(addrText).filter(a => a !== ''),
    source: hit.source,
    ...(hit.rttMs != null ? { rttMs: hit.rttMs } : {}),
    ...(hit.livePrice === true ? { livePrice: true } : {}),
    ...(hit.local === true ? { local: true as const } : {})
  }
}
