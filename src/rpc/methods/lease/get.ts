import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'
import { LeaseUnknownError } from '../../../lease/errors.ts'
import { LeaseViewSchema, consumerLeaseView, providerLeaseView } from '../../../lease/view.ts'

export const LeaseIdSchema = Type.String({ pattern: '^[0-9a-f]{32}$', description: 'The lease id (32 hex characters)' })

export function leaseGet (components: Pick<RpcComponents, 'leases' | 'ledger'>) {
  return defineMethod({
    name: 'lease_get',
    summary: 'One lease, as this node holds it (as consumer or as provider)',
    description: 'A lease this node does not hold is -32002.',
    permission: 'read',
    params: Type.Object({ leaseId: LeaseIdSchema }, { additionalProperties: false }),
    result: LeaseViewSchema,
    handler: async ({ leaseId }) => {
      const mine = await components.leases.store.get(leaseId)
      if (mine != null) return consumerLeaseView(mine)
      const provided = await components.ledger.getLease(leaseId)
      if (provided != null) return providerLeaseView(provided, components.leases.providerExtras(provided))
      throw new LeaseUnknownError(`no lease ${leaseId} on this node`)
    }
  })
}
