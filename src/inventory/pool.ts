/**
 * Resource pools: a pool groups GPUs of one model on one provider and is what
 * a CPI names. An operator declares a `PoolSpec` (src/config/pool-schema.ts);
 * `resolvePool` fills what the spec leaves out from the provider's defaults.
 * A pool knows its devices, which the ledger hands to leases one by one.
 */
import type { ProviderConfig } from '../config/schema.ts'
import { MAX_LABELS, type PoolSpec, type Price, type ProvisionerKind, type SlurmPoolSpec } from '../config/pool-schema.ts'
import { resourceClass } from './classes.ts'
import { numberedDevices, type Device } from './devices.ts'

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
  /** One per GPU, in the order declared or detected: the declared list, else indices 0…gpus-1 (detected: nvidia-smi's GPUs of the model). */
  devices: Device[]
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
  /** How its leases are handed over. */
  provisioner: ProvisionerKind
  /** Container pools: the images a consumer may ask for, the default first; empty otherwise. */
  images: string[]
  /** Slurm pools: the selection and what Slurm had at the last reading. */
  slurm?: SlurmPool
}

/** A Slurm pool's selection and its GPUs at the last reading. */
export interface SlurmPool extends SlurmPoolSpec {
  /** GPUs cpnet may lease: free in Slurm or in cpnet's own jobs (never above gpus). */
  usable: number
  /** The nodes with the selection's GPUs that take jobs now. */
  nodes: string[]
}

/** What a Slurm pool is resolved with: the last reading of its selection. */
export interface SlurmCapacity {
  /** GPUs on usable nodes. */
  total: number
  /** Free in Slurm plus those of cpnet's jobs. */
  usable: number
  nodes: string[]
}

export const DEFAULT_VENDOR = 'nvidia'
const DEFAULT_INTERCONNECT = 'pcie'

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

/**
 * The pool a spec declares, with the provider's defaults. A Slurm pool is
 * as big as `slurm` (its last reading) says, capped by the spec's gpus.
 */
export function resolvePool (spec: PoolSpec, defaults: ProviderConfig, source: PoolSource, slurm?: SlurmCapacity): Pool {
  const vendor = spec.vendor ?? DEFAULT_VENDOR
  const gpus = spec.slurm == null ? spec.gpus ?? 0 : Math.min(spec.gpus ?? Infinity, slurm?.total ?? 0)
  const labels = [...new Set([...defaults.labels, ...(spec.labels ?? [])])].slice(0, MAX_LABELS)
  const price = spec.price ?? defaults.price
  return {
    name: spec.name,
    source,
    vendor,
    model: spec.model,
    class: resourceClass(vendor, spec.model),
    gpus,
    devices: spec.devices?.map(device => ({ ...device })) ?? numberedDevices(gpus),
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
    maxLeaseSec: spec.maxLeaseSec ?? defaults.maxLeaseSec,
    provisioner: spec.provisioner ?? (spec.slurm != null ? 'slurm' : 'hook'),
    images: spec.images ?? [],
    ...(spec.slurm != null ? { slurm: { ...spec.slurm, usable: Math.min(gpus, slurm?.usable ?? 0), nodes: [...(slurm?.nodes ?? [])] } } : {})
  }
}
