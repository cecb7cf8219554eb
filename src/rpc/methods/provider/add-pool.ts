import { defineMethod } from '../../registry.ts'
import type { CpnetNode } from '../../../node/node.ts'
import { PoolSpecSchema } from '../../../inventory/pool.ts'
import { PoolViewSchema, toPoolView } from './pool-view.ts'

export function providerAddPool (node: CpnetNode) {
  return defineMethod({
    name: 'provider_addPool',
    summary: 'Add a pool, or replace one added before; it is kept across restarts and offered at once',
    description: 'Fields left out come from the provider section of the config (region, labels, price, lease bounds).',
    permission: 'admin',
    params: PoolSpecSchema,
    result: PoolViewSchema,
    handler: async (spec) => toPoolView(node, await node.inventory.add(spec))
  })
}
