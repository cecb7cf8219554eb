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
export const MAX_IMAGES = 16
/** How a pool's leases are handed over; src/provision/ has one provisioner of each kind. */
export const PROVISIONER_KINDS = ['hook', 'ssh', 'container', 'slurm'] as const
export type ProvisionerKind = typeof PROVISIONER_KINDS[number]
/** Slurm partition, GRES type, feature and account names: what slurm.conf allows without quoting. */
export const SLURM_NAME_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$'
/** A container image reference: registry/name:tag or @digest. */
export const IMAGE_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9._/:@-]*$'
const MAX_MODEL_CHARS = 96
/** A week: longer leases are renewed. */
export const MAX_LEASE_SEC = 7 * 24 * 3600

/** Device indices a pool may list: nvidia-smi numbers a host's GPUs from 0, and a pool has at most 1024. */
export const MAX_DEVICE_INDEX = 1023
/** A PCI address as nvidia-smi prints it (00000000:18:00.0) or lspci does (0000:18:00.0). */
export const PCI_BUS_ID_PATTERN = '^[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]$'
/** A vendor's device id: nvidia-smi's GPU-…, a MIG-… id, or another vendor's. */
export const DEVICE_UUID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'

const Count = (max: number, description: string) => Type.Integer({ minimum: 0, maximum: max, description })

export const RegionSchema = Type.String({ pattern: REGION_PATTERN, description: 'Where the pool is, e.g. cn-east-1 (ISO country + zone; lower-case letters, digits and hyphens)' })
export const PoolNameSchema = Type.String({ pattern: POOL_NAME_PATTERN, description: 'Pool name, the last part of its CPI: up to 63 lower-case letters, digits and hyphens' })
export const LabelsSchema = Type.Array(Type.String({ pattern: LABEL_PATTERN, description: 'A label: up to 48 lower-case letters, digits and . _ : -' }), { maxItems: MAX_LABELS, description: 'Free-form tags a filter can ask for (label=spot)' })

export const PriceSchema = Type.Object({
  microsPerGpuHour: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Price of one GPU for one hour in millionths of the currency unit' }),
  currency: Type.String({ pattern: CURRENCY_PATTERN, description: 'ISO 4217 code or ticker in upper case, e.g. USD' })
}, { ...strict, description: 'A price per GPU-hour' })
export type Price = Static<typeof PriceSchema>

export const DeviceSchema = Type.Object({
  index: Type.Integer({ minimum: 0, maximum: MAX_DEVICE_INDEX, description: 'The device\'s index on this host (nvidia-smi\'s index): what CUDA_VISIBLE_DEVICES names' }),
  uuid: Type.Optional(Type.String({ pattern: DEVICE_UUID_PATTERN, description: 'The vendor\'s id of the device, e.g. GPU-5d1c…' })),
  pciBusId: Type.Optional(Type.String({ pattern: PCI_BUS_ID_PATTERN, description: 'PCI address, e.g. 00000000:18:00.0' }))
}, { ...strict, description: 'One GPU of a pool' })

const SlurmName = (description: string) => Type.String({ pattern: SLURM_NAME_PATTERN, description })

export const SlurmPoolSchema = Type.Object({
  partition: SlurmName('The Slurm partition whose GPUs the pool offers'),
  gresType: Type.Optional(SlurmName('Only GPUs of this GRES type (gpu:<type>:N in slurm.conf), e.g. a100; default: every GPU of the partition')),
  feature: Type.Optional(SlurmName('Only nodes with this feature (Features= in slurm.conf)')),
  account: Type.Optional(SlurmName('The Slurm account (bank) leases are charged to; default: Slurm\'s default for the lease\'s user'))
}, { ...strict, description: 'A pool that fronts a Slurm cluster (docs/PROVIDER.md): its GPUs and their free count come from Slurm, and each lease is a Slurm job allocation' })
export type SlurmPoolSpec = Static<typeof SlurmPoolSchema>

export const PoolSpecSchema = Type.Object({
  name: PoolNameSchema,
  vendor: Type.Optional(Type.String({ pattern: SLUG_PATTERN, description: 'GPU vendor in lower case; default nvidia' })),
  model: Type.String({ minLength: 1, maxLength: MAX_MODEL_CHARS, description: 'GPU model as the vendor names it, e.g. NVIDIA H100 80GB HBM3' }),
  gpus: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024, description: 'GPUs in the pool; required, except in a Slurm pool, where it caps what is offered of the partition (default: all it has)' })),
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
  maxLeaseSec: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LEASE_SEC, description: 'Longest lease granted, seconds; default provider.maxLeaseSec' })),
  devices: Type.Optional(Type.Array(DeviceSchema, { maxItems: MAX_DEVICE_INDEX + 1, description: 'The pool\'s GPUs, one entry per GPU (as many as gpus, each index once): which devices a lease gets; default: indices 0 to gpus-1' })),
  provisioner: Type.Optional(Type.Union(PROVISIONER_KINDS.map(k => Type.Literal(k)), { description: 'How a lease is handed over (docs/PROVIDER.md): hook runs lease.startHook/endHook; ssh makes a Unix account behind the host\'s sshd (lease.ssh); container starts a podman or docker container with an sshd (lease.container); slurm allocates the GPUs in Slurm and makes a login account that reaches them (lease.slurm; the pool has a slurm section). Default slurm for a pool with a slurm section, else hook' })),
  slurm: Type.Optional(SlurmPoolSchema),
  images: Type.Optional(Type.Array(Type.String({ pattern: IMAGE_PATTERN, maxLength: 255 }), { maxItems: MAX_IMAGES, description: 'Container pools: the images a consumer may ask for; the first is the default. A container pool needs one' }))
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

/** What is wrong with a spec, and where (a field under the spec, dotted: devices.2.index). */
export interface SpecProblem {
  field: string
  problem: string
}

/**
 * Why a spec's size or Slurm section cannot stand, or undefined: a pool that
 * does not front Slurm states its GPUs; a Slurm pool has the slurm
 * provisioner and no device list (Slurm picks the GPUs of each lease).
 */
export function kindProblem (spec: Pick<PoolSpec, 'gpus' | 'devices' | 'slurm' | 'provisioner'>): SpecProblem | undefined {
  if (spec.slurm == null) {
    if (spec.provisioner === 'slurm') return { field: 'slurm', problem: 'is required for a pool with provisioner "slurm": it names the partition' }
    if (spec.gpus == null) return { field: 'gpus', problem: 'is required (only a Slurm pool takes its size from the cluster)' }
    return undefined
  }
  if (spec.provisioner != null && spec.provisioner !== 'slurm') return { field: 'provisioner', problem: `is "${spec.provisioner}", but a pool with a slurm section hands its leases over through Slurm ("slurm")` }
  if (spec.devices != null) return { field: 'devices', problem: 'cannot be listed for a Slurm pool: Slurm picks the GPUs of each lease' }
  return undefined
}

/**
 * Why a spec's device list cannot stand, or undefined: one entry per GPU, and
 * no index, UUID or PCI address twice (two leases would get one device).
 * Checked where a person declares a pool (config.json, provider_addPool).
 */
export function devicesProblem (spec: Pick<PoolSpec, 'gpus' | 'devices'>): SpecProblem | undefined {
  const devices = spec.devices
  if (devices == null || spec.gpus == null) return undefined
  if (devices.length !== spec.gpus) {
    return { field: 'devices', problem: `lists ${devices.length} device${devices.length === 1 ? '' : 's'} for ${spec.gpus} GPU${spec.gpus === 1 ? '' : 's'}; a pool lists one device per GPU` }
  }
  for (const key of ['index', 'uuid', 'pciBusId'] as const) {
    const seen = new Map<number | string, number>()
    for (const [i, device] of devices.entries()) {
      const value = device[key]
      if (value == null) continue
      const first = seen.get(value)
      if (first != null) return { field: `devices.${i}.${key}`, problem: `${key} ${value} is listed twice (devices.${first} has it too); each device is listed once` }
      seen.set(value, i)
    }
  }
  return undefined
}
