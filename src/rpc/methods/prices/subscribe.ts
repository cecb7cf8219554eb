import { Type } from '@sinclair/typebox'
import { defineMethod, type RpcSession } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'
import { PRICES_NOTIFICATION } from '../../../pricing/subscriptions.ts'
import { FilterParamSchema, parseFilterParam } from '../params.ts'

export const SubscriptionIdSchema = Type.String({ pattern: '^0x[0-9a-f]{32}$', description: 'Subscription id: 0x and 32 hex characters' })

export function pricesSubscribe (components: Pick<RpcComponents, 'pricing'>) {
  return defineMethod({
    name: 'prices_subscribe',
    summary: 'Subscribe to live price updates that match a filter (WebSocket only)',
    description: `Each update this node's price book admits that matches arrives as a "${PRICES_NOTIFICATION}" notification: {"subscription": id, "result": update}, see Subscriptions. result.matches is false on the update that takes a CPI out of the filter (or withdraws it). The response always arrives before the first notification. At most rpc.maxSubscriptionsPerConnection (default 64) per connection (-32004 past it); all end when the connection closes.`,
    permission: 'read',
    transport: 'ws',
    params: Type.Object({
      filter: Type.Optional(FilterParamSchema)
    }, { additionalProperties: false }),
    result: SubscriptionIdSchema,
    handler: ({ filter }, ctx) => components.pricing.subscriptions.subscribe(ctx.session as RpcSession, parseFilterParam(filter ?? ''))
  })
}
