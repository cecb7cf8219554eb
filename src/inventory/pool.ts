/**
 * Resource pools: a pool groups GPUs of one model on one provider and is what
 * a CPI names. A `PoolSpec` is what an operator declares (config or RPC);
 * `resolvePool` fills what the spec leaves out from the provider's defaults.
 * The schemas here validate config.json, RPC params and stored pools alike.
 */
import { Type, type Static } from '@sinclair/typebox'
import { POOL_NAME_PATTERN } from '../identity/cpi.ts'
import { formatPrice } from '../units/price.ts'
import { resourceClass } from './classes.ts'

const strict = { additionalProperties: false } as const

export const SLUG_PATTERN = '^[a-z0-9][a-z0-9-]{0,31}$'
export const REGION_PATTERN = '^[a-z0-9][a-z0-9-]{0,31}$'
export const LABEL_PATTERN = '^[a-z0-9][a-z0-9._:-]{0,47}$'
export const CURRENCY_PATTERN = '^[A-Z][A-Z0-9]{2,7}$'
export const MAX_LABELS = 16
export const MAX_MODEL_CHARS = 96
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

/** The provider section of config.json: defaults for every pool, and the declared pools. */
export const ProviderConfigSchema = Type.Object({
  detectGpus: Type.Boolean({ description: 'Read GPUs from nvidia-smi when the binary is on PATH' }),
  nvidiaSmi: Type.String({ minLength: 1, description: 'The nvidia-smi command (a name looked up on PATH, or a path)' }),
  region: RegionSchema,
  labels: LabelsSchema,
  price: PriceSchema,
  minLeaseSec: Type.Integer({ minimum: 1, maximum: MAX_LEASE_SEC }),
  maxLeaseSec: Type.Integer({ minimum: 1, maximum: MAX_LEASE_SEC }),
  pools: Type.Array(PoolSpecSchema, { maxItems: 64, description: 'Declared pools; they win over detected ones of the same name or model' })
}, strict)
export type ProviderConfig = Static<typeof ProviderConfigSchema>

/** Where a pool came from; decides what may change or remove it. */
export type PoolSource = 'detected' | 'config' | 'rpc'

export interface Pool {
  name: string
  source: PoolSource
  vendor: string
  model: string
  /** gpu/<vendor>/<model-slug> */
  class: string
  gpus: number
  gpuMemoryMib: number
  interconnect: string
  cpuCores: number
  ramGib: number
  diskGib: number
  bandwidthMbps: number
  region: string
  labels: string[]
  price: Price
  /** Never above the price (see withPrice). */
  floorMicrosPerGpuHour: number
  minLeaseSec: number
  maxLeaseSec: number
}

export const DEFAULT_VENDOR = 'nvidia'
export const DEFAULT_INTERCONNECT = 'pcie'

/**
 * Why a spec's floor cannot stand, or undefined: a floor is at most the price
 * the pool is sold at (its own, else the provider's default). Checked where a
 * person declares a pool (config.json, provider_addPool), so that a floor is
 * refused rather than silently changed.
 */
export function floorProblem (spec: PoolSpec, defaults: ProviderConfig): string | undefined {
  const price = spec.price ?? defaults.price
  if (spec.floorMicrosPerGpuHour == null || spec.floorMicrosPerGpuHour <= price.microsPerGpuHour) return undefined
  return `the floor ${formatPrice(spec.floorMicrosPerGpuHour, price.currency)} is above the price ${formatPrice(price.microsPerGpuHour, price.currency)}${spec.price == null ? ' (provider.price)' : ''}; a floor is at most the price`
}

/**
 * The pool at another price. The floor never exceeds the price: a price set
 * below the floor lowers the floor to it, and a price in another currency
 * moves the floor with it (to the new price: a floor in the old currency
 * means nothing). A price raised leaves the floor where it was.
 */
export function withPrice (pool: Pool, price: Price): Pool {
  const floorMicrosPerGpuHour = price.currency === pool.price.currency
    ? Math.min(pool.floorMicrosPerGpuHour, price.microsPerGpuHour)
    : price.microsPerGpuHour
  return { ...pool, price: { ...price }, floorMicrosPerGpuHour }
}

export function resolvePool (spec: PoolSpec, defaults: ProviderConfig, source: PoolSource): Pool {
  const vendor = spec.vendor ?? DEFAULT_VENDOR
  const labels = [...new Set([...defaults.labels, ...(spec.labels ?? [])])].slice(0, MAX_LABELS)
  const price = spec.price ?? defaults.price
  return {
    name: spec.name,
    source,
    vendor,
    model: spec.model,
    class: resourceClass(vendor, spec.model),
    gpus: spec.gpus,
    gpuMemoryMib: spec.gpuMemoryMib,
    interconnect: spec.interconnect ?? DEFAULT_INTERCONNECT,
    cpuCores: spec.cpuCores ?? 0,
    ramGib: spec.ramGib ?? 0,
    diskGib: spec.diskGib ?? 0,
    bandwidthMbps: spec.bandwidthMbps ?? 0,
    region: spec.region ?? defaults.region,
    labels,
    price,
    // a declared floor above the price is refused (floorProblem); this cap covers a provider.price lowered later
    floorMicrosPerGpuHour: Math.min(spec.floorMicrosPerGpuHour ?? price.microsPerGpuHour, price.microsPerGpuHour),
    minLeaseSec: spec.minLeaseSec ?? defaults.minLeaseSec,
    maxLeaseSec: spec.maxLeaseSec ?? defaults.maxLeaseSec
  }
}
