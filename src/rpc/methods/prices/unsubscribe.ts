import { Type } from '@sinclair/typebox'
import { defineMethod, type RpcSession } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'
import { SubscriptionIdSchema } from './subscribe.ts'

export function pricesUnsubscribe (components: Pick<RpcComponents, 'pricing'>) {
  return defineMethod({
    name: 'prices_unsubscribe',
    summary: 'End a price subscription of this connection (WebSocket only)',
    permission: 'read',
    transport: 'ws',
    params: Type.Object({
      subscription: SubscriptionIdSchema
    }, { additionalProperties: false }),
    result: Type.Boolean({ description: 'false when this connection holds no such subscription' }),
    handler: ({ subscription }, ctx) => components.pricing.subscriptions.unsubscribe(ctx.session as RpcSession, subscription)
  })
}
