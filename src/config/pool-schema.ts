/**
 * Resource pools as an operator declares them: a `PoolSpec` (config.json's
 * provider.pools, provider_addPool's params, the pools stored by the node),
 * its price, and the patterns every field is held to. The provider section of
 * config.json (schema.ts) is made of these; offers and price updates are
 * checked against the same patterns.
 */
import { Type, type Static } from '@sinclair/typebox'
import { POOL_NAME_PATTERN } from '../identity/cpi.ts'
import { formatPrice } from '../units/price.ts'
import type { ProviderConfig } from './schema.ts'

const strict = { additionalProperties: false } as const

export const SLUG_PATTERN = '^[a-z0-9][a-z0-9-]{0,31}$'
export const REGION_PATTERN = '^[a-z0-9][a-z0-9-]{0,31}$'
export const LABEL_PATTERN = '^[a-z0-9][a-z0-9._:-]{0,47}$'
export const CURRENCY_PATTERN = '^[A-Z][A-Z0-9]{2,7}$'
export const MAX_LABELS = 16
const MAX_MODEL_CHARS = 96
/** A week: longer leases are renewed. */
export const MAX_LEASE_SEC = 7 * 24 * 3600

const Count = (max: number, description: string) => Type.Integer({ minimum: 0, maximum: max, description })

export const RegionSchema = Type.String({ pattern: REGION_PATTERN, description: 'Where the pool is, e.g. cn-east-1 (ISO country + zone; lower-case letters, digits and hyphens)' })
export const PoolNameSchema = Type.String({ pattern: POOL_NAME_PATTERN, description: 'Pool name, the last part of its CPI: up to 63 lower-case letters, digits and hyphens' })
export const LabelsSchema = Type.Array(Type.String({ pattern: LABEL_PATTERN, description: 'A label: up to 48 lower-case letters, digits and . _ : -' }), { maxItems: MAX_LABELS, description: 'Free-form tags a filter can ask for (label=spot)' })

export const PriceSchema = Type.Object({
  microsPerGpuHour: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Price of one GPU for one hour in millionths of the currency unit' }),
  currency: Type.String({ pattern: CURRENCY_PATTERN, description: 'ISO 4217 code or ticker in upper case, e.g. USD' })
}, { ...strict, description: 'A price per GPU-hour' })
export type Price = Static<typeof PriceSchema>

export const PoolSpecSchema = Type.Object({
  name: PoolNameSchema,
  vendor: Type.Optional(Type.String({ pattern: SLUG_PATTERN, description: 'GPU vendor in lower case; default nvidia' })),
  model: Type.String({ minLength: 1, maxLength: MAX_MODEL_CHARS, description: 'GPU model as the vendor names it, e.g. NVIDIA H100 80GB HBM3' }),
  gpus: Type.Integer({ minimum: 1, maximum: 1024, description: 'GPUs in the pool' }),
  gpuMemoryMib: Type.Integer({ minimum: 1, maximum: 16 * 1024 * 1024, description: 'Memory of one GPU in MiB' }),
  interconnect: Type.Optional(Type.String({ pattern: SLUG_PATTERN, description: 'pcie, nvlink, sxm, infiniband…; default pcie' })),
  cpuCores: Type.Optional(Count(100_000, 'CPU cores that come with the pool')),
  ramGib: Type.Optional(Count(1_000_000, 'RAM that comes with the pool, GiB')),
  diskGib: Type.Optional(Count(100_000_000, 'Disk that comes with the pool, GiB')),
  bandwidthMbps: Type.Optional(Count(10_000_000, 'Network bandwidth, Mbit/s')),
  region: Type.Optional(RegionSchema),
  labels: Type.Optional(LabelsSchema),
  price: Type.Optional(PriceSchema),
  floorMicrosPerGpuHour: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'The lowest price per GPU-hour the provider accepts in negotiation (same currency as price); default: the price itself' })),
  minLeaseSec: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LEASE_SEC, description: 'Shortest lease granted, seconds; default provider.minLeaseSec' })),
  maxLeaseSec: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LEASE_SEC, description: 'Longest lease granted, seconds; default provider.maxLeaseSec' }))
}, strict)
export type PoolSpec = Static<typeof PoolSpecSchema>

/**
 * Why a spec's floor cannot stand, or undefined: a floor is at most the price
 * the pool is sold at (its own, else the provider's default). Checked where a
 * person declares a pool (config.json, provider_addPool), so that a floor is
 * refused rather than silently changed.
 */
export function floorProblem (spec: PoolSpec, defaults: Pick<ProviderConfig, 'price'>): string | undefined {
  const price = spec.price ?? defaults.price
  if (spec.floorMicrosPerGpuHour == null || spec.floorMicrosPerGpuHour <= price.microsPerGpuHour) return undefined
  return `the floor ${formatPrice(spec.floorMicrosPerGpuHour, price.currency)} is above the price ${formatPrice(price.microsPerGpuHour, price.currency)}${spec.price == null ? ' (provider.price)' : ''}; a floor is at most the price`
}
