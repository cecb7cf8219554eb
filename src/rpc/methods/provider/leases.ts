import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { CpnetNode } from '../../../node/node.ts'
import { LeaseViewSchema, providerLeaseView } from '../../../lease/view.ts'

export function providerLeases (node: CpnetNode) {
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
      leases: (await node.leases.providerLeases(activeOnly === true)).map(providerLeaseView),
      pools: node.inventory.list().map(p => node.ledger.usage(p.name))
    })
  })
}
