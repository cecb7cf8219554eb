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
  cpi: Type.String({ description: 'cpi:<provider>/<pool>: what a lease asks for' }),
  provider: Type.String({ description: 'PeerId of the provider (and signer)' }),
  pool: Type.String({ description: 'The pool name, the last part of the CPI' }),
  seq: Type.Integer({ description: "The offer's sequence number: of two offers of one CPI, the higher is the later word" }),
  issuedAt: Type.Integer({ description: 'unix ms, when the provider signed it' }),
  expiresAt: Type.Integer({ description: 'unix ms; past it the offer is no longer valid' }),
  resource: Type.Object({
    vendor: Type.String({ description: 'GPU vendor in lower case, e.g. nvidia' }),
    model: Type.String({ description: 'GPU model as the vendor names it, e.g. NVIDIA H100 80GB HBM3' }),
    class: Type.String({ description: 'gpu/<vendor slug>/<model slug>, e.g. gpu/nvidia/h100-80gb-hbm3: what the capability key and filters are made of' }),
    gpuMemoryMib: Type.Integer({ description: 'Memory of one GPU in MiB' }),
    totalGpus: Type.Integer({ description: 'GPUs in the pool' }),
    availableGpus: Type.Integer({ description: 'GPUs free to lease when the offer (or the newer price update, see livePrice) was signed' }),
    interconnect: Type.String({ description: 'pcie, nvlink, sxm, infiniband…' }),
    cpuCores: Type.Integer({ description: 'CPU cores that come with the pool; 0: not stated' }),
    ramGib: Type.Integer({ description: 'RAM that comes with the pool, GiB; 0: not stated' }),
    diskGib: Type.Integer({ description: 'Disk that comes with the pool, GiB; 0: not stated' }),
    bandwidthMbps: Type.Integer({ description: 'Network bandwidth, Mbit/s; 0: not stated' })
  }, { description: 'What the pool is' }),
  region: Type.String({ description: 'Where the pool is, e.g. cn-east-1' }),
  labels: Type.Array(Type.String(), { description: 'Free-form tags a filter can ask for (label=spot)' }),
  price: PriceShapeSchema,
  minLeaseSec: Type.Integer({ description: 'Shortest lease the provider grants, seconds' }),
  maxLeaseSec: Type.Integer({ description: 'Longest lease the provider grants, seconds' }),
  addrs: Type.Array(Type.String(), { description: "The provider's multiaddrs, as it signed them" }),
  source: Type.Union([Type.Literal('direct'), Type.Literal('dht'), Type.Literal('cache')], { description: 'Where this node got it: from the provider itself, from a DHT record, or from its cache of earlier answers' }),
  rttMs: Type.Optional(Type.Number({ description: "Round-trip time to the provider, when this node is connected to it" })),
  livePrice: Type.Optional(Type.Boolean({ description: 'price, availableGpus and seq come from a price update newer than the signed offer' })),
  local: Type.Optional(Type.Literal(true, { description: "one of this node's own offers: shown, but never a lease candidate for this node (a node never leases from itself)" }))
}, { title: 'Offer', description: 'A verified offer as offers_search and offers_get return it: the signed fields, plus where it came from.' })
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
