import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'
import { LeaseViewSchema, consumerLeaseView } from '../../../lease/view.ts'
import { LeaseIdSchema } from './get.ts'

export function leaseRelease (components: Pick<RpcComponents, 'leases'>) {
  return defineMethod({
    name: 'lease_release',
    summary: 'End a lease this node holds as consumer now; the provider frees its GPUs',
    description: 'Releasing an ended lease returns it as it is. A lease this node granted as provider is -32002: only the consumer releases.',
    permission: 'write',
    params: Type.Object({ leaseId: LeaseIdSchema }, { additionalProperties: false }),
    result: LeaseViewSchema,
    handler: async ({ leaseId }) => consumerLeaseView(await components.leases.release(leaseId))
  })
}
