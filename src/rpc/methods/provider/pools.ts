import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'
import { PoolViewSchema, toPoolView } from './pool-view.ts'

export function providerPools (components: Pick<RpcComponents, 'peerId' | 'inventory' | 'discovery'>) {
  return defineMethod({
    name: 'provider_pools',
    summary: 'The pools this node offers: detected, declared in config and added over RPC',
    description: 'Each with its CPI, free and total GPUs, price and floor, and whether an offer is being served.',
    permission: 'read',
    params: Type.Object({}, { additionalProperties: false }),
    result: Type.Array(PoolViewSchema),
    handler: () => components.inventory.list().map(pool => toPoolView(components, pool))
  })
}
