import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'
import { LeaseViewSchema, consumerLeaseView } from '../../../lease/view.ts'
import { LeaseIdSchema } from './get.ts'

export function leaseRenew (components: Pick<RpcComponents, 'leases'>) {
  return defineMethod({
    name: 'lease_renew',
    summary: 'Extend a lease this node holds as consumer; both peers sign the new version',
    description: 'The new version is version + 1. A lease the provider has ended meanwhile (it ran out) is -32013, recorded as it ended; one that is not active here is -32000 (LeaseNotActiveError).',
    permission: 'write',
    params: Type.Object({
      leaseId: LeaseIdSchema,
      extendSec: Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600, description: 'Seconds added to the end' })
    }, { additionalProperties: false }),
    result: LeaseViewSchema,
    handler: async ({ leaseId, extendSec }) => consumerLeaseView(await components.leases.renew(leaseId, extendSec))
  })
}
