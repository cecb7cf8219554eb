import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'
import { LeaseViewSchema, providerLeaseView } from '../../../lease/view.ts'

export function providerLeases (components: Pick<RpcComponents, 'leases' | 'inventory' | 'ledger'>) {
  return defineMethod({
    name: 'provider_leases',
    summary: 'Leases this node granted as provider, with the capacity each pool has left',
    permission: 'read',
    params: Type.Object({
      activeOnly: Type.Optional(Type.Boolean({ description: 'Only leases that hold GPUs now' }))
    }, { additionalProperties: false }),
    result: Type.Object({
      leases: Type.Array(LeaseViewSchema, { description: 'The leases this node granted' }),
      pools: Type.Array(Type.Object({
        pool: Type.String({ description: 'Pool name' }),
        total: Type.Integer({ description: 'GPUs in the pool' }),
        held: Type.Integer({ description: 'GPUs under quotes not yet accepted' }),
        leased: Type.Integer({ description: 'GPUs under active leases' }),
        free: Type.Integer({ description: 'total − held − leased' })
      }), { description: 'Per pool, from the ledger' })
    }),
    handler: async ({ activeOnly }) => ({
      leases: (await components.leases.providerLeases(activeOnly === true)).map(e => providerLeaseView(e, components.leases.providerExtras(e))),
      pools: components.inventory.list().map(p => components.ledger.usage(p.name))
    })
  })
}
