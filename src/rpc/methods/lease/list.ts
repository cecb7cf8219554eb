import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'
import { LeaseViewSchema, consumerLeaseView, providerLeaseView, type LeaseView } from '../../../lease/view.ts'

export function leaseList (components: Pick<RpcComponents, 'leases'>) {
  return defineMethod({
    name: 'lease_list',
    summary: 'Every lease this node holds, as consumer and as provider, newest first',
    permission: 'read',
    params: Type.Object({
      activeOnly: Type.Optional(Type.Boolean({ description: 'Only leases that hold GPUs now' }))
    }, { additionalProperties: false }),
    result: Type.Array(LeaseViewSchema),
    handler: async ({ activeOnly }) => {
      const views: LeaseView[] = [
        ...(await components.leases.list()).map(consumerLeaseView),
        ...(await components.leases.providerLeases(activeOnly === true)).map(e => providerLeaseView(e, components.leases.providerExtras(e)))
      ]
      return views
        .filter(v => activeOnly !== true || v.status === 'active')
        .sort((a, b) => (b.start ?? 0) - (a.start ?? 0))
    }
  })
}
