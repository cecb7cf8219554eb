import { Type, type Static } from '@sinclair/typebox'
import type { RpcComponents } from '../components.ts'
import { formatCpi } from '../../../identity/cpi.ts'
import type { Pool } from '../../../inventory/pool.ts'
import { PriceShapeSchema, priceShape } from '../../../units/price-shape.ts'
import { unitsText } from '../../../units/price.ts'

/** A pool as provider_* methods return it. */
export const PoolViewSchema = Type.Object({
  name: Type.String(),
  cpi: Type.String(),
  source: Type.Union([Type.Literal('detected'), Type.Literal('config'), Type.Literal('rpc')]),
  vendor: Type.String(),
  model: Type.String(),
  class: Type.String(),
  gpus: Type.Integer(),
  availableGpus: Type.Integer(),
  gpuMemoryMib: Type.Integer(),
  interconnect: Type.String(),
  cpuCores: Type.Integer(),
  ramGib: Type.Integer(),
  diskGib: Type.Integer(),
  bandwidthMbps: Type.Integer(),
  region: Type.String(),
  labels: Type.Array(Type.String()),
  price: PriceShapeSchema,
  floorMicrosPerGpuHour: Type.Integer({ description: 'The lowest price per GPU-hour accepted in negotiation, in the price\'s currency; never above the price' }),
  floorPerGpuHour: Type.String({ description: 'The floor as a decimal string, as the CLI takes it' }),
  minLeaseSec: Type.Integer(),
  maxLeaseSec: Type.Integer(),
  offered: Type.Boolean({ description: 'A signed offer for the pool is being served' })
})

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
