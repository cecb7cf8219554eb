import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'
import { PoolNameSchema, PriceSchema } from '../../../config/pool-schema.ts'
import { PoolViewSchema, toPoolView } from './pool-view.ts'

export function providerSetPrice (components: Pick<RpcComponents, 'peerId' | 'inventory' | 'discovery'>) {
  return defineMethod({
    name: 'provider_setPrice',
    summary: 'Set a pool\'s price: a price update goes out at once and the offer is re-published',
    description: 'Works for pools of every source (detected, config, RPC). The price is kept in the node\'s database across restarts until the pool\'s declared price changes (config.json edited, or the pool added again with another price): the declaration is then the later word. The floor never exceeds the price: a price set below the floor lowers the floor to it, a price in another currency sets the floor to the new price, a price raised leaves the declared floor as it is (and a price set back to the declared one brings the declared floor back). An unknown pool is -32002.',
    permission: 'write',
    params: Type.Object({
      pool: PoolNameSchema,
      price: PriceSchema
    }, { additionalProperties: false }),
    result: PoolViewSchema,
    handler: async ({ pool, price }) => toPoolView(components, await components.inventory.setPrice(pool, price))
  })
}
