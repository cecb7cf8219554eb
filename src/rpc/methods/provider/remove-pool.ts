import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'
import { formatCpi } from '../../../identity/cpi.ts'
import { PoolNameSchema } from '../../../config/pool-schema.ts'

export function providerRemovePool (components: Pick<RpcComponents, 'peerId' | 'inventory'>) {
  return defineMethod({
    name: 'provider_removePool',
    summary: 'Remove a pool added over RPC; its offer is withdrawn from the DHT',
    description: 'Leases already granted from it run to their end. An unknown pool is -32002; a pool detected or declared in config.json cannot be removed here (-32000).',
    permission: 'admin',
    params: Type.Object({
      name: PoolNameSchema
    }, { additionalProperties: false }),
    result: Type.Object({ removed: Type.String({ description: 'The CPI that is no longer offered' }) }),
    handler: async ({ name }) => {
      const pool = await components.inventory.remove(name)
      return { removed: formatCpi(components.peerId, pool.name) }
    }
  })
}
