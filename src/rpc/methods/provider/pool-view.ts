import { Type, type Static } from '@sinclair/typebox'
import type { RpcComponents } from '../components.ts'
import { formatCpi } from '../../../identity/cpi.ts'
import type { Pool } from '../../../inventory/pool.ts'
import { DeviceSchema, PROVISIONER_KINDS } from '../../../config/pool-schema.ts'
import { PriceShapeSchema, priceShape } from '../../../units/price-shape.ts'
import { unitsText } from '../../../units/price.ts'

/** A pool as provider_* methods return it. */
export const PoolViewSchema = Type.Object({
  name: Type.String({ description: 'Pool name, the last part of its CPI' }),
  cpi: Type.String({ description: 'cpi:<peerId>/<name>, with this node\'s PeerId' }),
  source: Type.Union([Type.Literal('detected'), Type.Literal('config'), Type.Literal('rpc')], { description: 'Where the pool comes from: nvidia-smi, config.json, or provider_addPool' }),
  vendor: Type.String({ description: 'GPU vendor in lower case' }),
  model: Type.String({ description: 'GPU model as the vendor names it' }),
  class: Type.String({ description: 'gpu/<vendor slug>/<model slug>, as its offer carries it' }),
  gpus: Type.Integer({ description: 'GPUs in the pool' }),
  devices: Type.Array(DeviceSchema, { description: 'The pool\'s GPUs, one per GPU: declared, detected by nvidia-smi (with UUID and PCI address), or numbered 0 to gpus-1' }),
  availableGpus: Type.Integer({ description: 'GPUs neither leased nor held under an open quote' }),
  gpuMemoryMib: Type.Integer({ description: 'Memory of one GPU in MiB' }),
  interconnect: Type.String({ description: 'pcie, nvlink, sxm, infiniband…' }),
  cpuCores: Type.Integer({ description: 'CPU cores that come with the pool; 0: not stated' }),
  ramGib: Type.Integer({ description: 'RAM that comes with the pool, GiB; 0: not stated' }),
  diskGib: Type.Integer({ description: 'Disk that comes with the pool, GiB; 0: not stated' }),
  bandwidthMbps: Type.Integer({ description: 'Network bandwidth, Mbit/s; 0: not stated' }),
  region: Type.String({ description: 'Where the pool is, e.g. cn-east-1' }),
  labels: Type.Array(Type.String(), { description: 'Free-form tags a filter can ask for' }),
  price: PriceShapeSchema,
  floorMicrosPerGpuHour: Type.Integer({ description: 'The lowest price per GPU-hour accepted in negotiation, in the price\'s currency; never above the price' }),
  floorPerGpuHour: Type.String({ description: 'The floor as a decimal string, as the CLI takes it' }),
  minLeaseSec: Type.Integer({ description: 'Shortest lease granted, seconds' }),
  maxLeaseSec: Type.Integer({ description: 'Longest lease granted, seconds' }),
  provisioner: Type.Union(PROVISIONER_KINDS.map(k => Type.Literal(k)), { description: 'How a lease is handed over: hook, ssh, container or slurm (docs/PROVIDER.md)' }),
  slurm: Type.Optional(Type.Object({
    partition: Type.String(),
    gresType: Type.Optional(Type.String()),
    feature: Type.Optional(Type.String()),
    account: Type.Optional(Type.String()),
    usable: Type.Integer({ description: 'GPUs cpnet may lease now: free in Slurm or in cpnet\'s own jobs' }),
    nodes: Type.Array(Type.String(), { description: 'The nodes with the selection\'s GPUs that take jobs now' })
  }, { description: 'A Slurm pool: its selection and what Slurm had at the last reading (gpus: GPUs on usable nodes)' })),
  images: Type.Array(Type.String(), { description: 'Container pools: the images a consumer may ask for, the default first; empty otherwise' }),
  offered: Type.Boolean({ description: 'A signed offer for the pool is being served' })
}, { title: 'Pool', description: 'A pool of this node as provider_pools, provider_addPool and provider_setPrice return it.' })

export type PoolView = Static<typeof PoolViewSchema>

export function toPoolView (components: Pick<RpcComponents, 'peerId' | 'inventory' | 'discovery'>, pool: Pool): PoolView {
  return {
    ...pool,
    price: priceShape(pool.price.microsPerGpuHour, pool.price.currency),
    floorPerGpuHour: unitsText(pool.floorMicrosPerGpuHour),
    cpi: formatCpi(components.peerId, pool.name),
    availableGpus: components.inventory.available(pool),
    offered: components.discovery.publisher.current().has(pool.name)
  }
}
