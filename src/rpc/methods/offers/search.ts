import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'
import { FilterParamSchema, filterParamError } from '../params.ts'
import { SEARCH_MAX_LIMIT, SEARCH_MAX_TIMEOUT_MS } from '../../../discovery/constants.ts'
import { SORT_KEYS } from '../../../discovery/search.ts'
import { OfferViewSchema, toOfferView } from '../../../discovery/view.ts'

export function offersSearch (components: Pick<RpcComponents, 'discovery'>) {
  return defineMethod({
    name: 'offers_search',
    summary: 'Find verified offers that match a filter, from the DHT and the providers themselves',
    description: 'Filter syntax: docs/FILTERS.md; a filter error is -32602 naming the term. Returns the verified offers that arrived before the deadline, one per CPI (the highest seq). An offer of this node\'s own pools has local: true: it is shown, but lease_request never tries it.',
    permission: 'read',
    params: Type.Object({
      filter: FilterParamSchema,
      sort: Type.Optional(Type.Union(SORT_KEYS.map(k => Type.Literal(k)), { description: 'price (lowest first, the default), free (most free GPUs first) or rtt (nearest first)' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SEARCH_MAX_LIMIT, description: 'At most this many offers (default discovery.defaultLimit, 50)' })),
      timeoutMs: Type.Optional(Type.Integer({ minimum: 10, maximum: SEARCH_MAX_TIMEOUT_MS, description: 'Deadline; discovery.searchTimeoutMs by default' })),
      cache: Type.Optional(Type.Boolean({ description: 'false: always ask the network (default true: repeat queries are answered from the cache)' }))
    }, { additionalProperties: false }),
    result: Type.Object({
      offers: Type.Array(OfferViewSchema, { description: 'In the order of sort' }),
      partial: Type.Boolean({ description: 'The deadline or the provider cap cut the search short, or a provider the search knew of was not heard from' }),
      missingProviders: Type.Integer({ minimum: 0, description: 'Providers the search knew of (from the DHT, gossip or its cache) that it did not hear from, neither directly nor by a DHT record' }),
      fromCache: Type.Boolean({ description: 'The answer came from the cache of an earlier search, without asking the network' })
    }),
    handler: async (params, ctx) => {
      try {
        const result = await components.discovery.search.search({ ...params, signal: ctx.signal })
        return { offers: result.offers.map(toOfferView), partial: result.partial, missingProviders: result.missingProviders, fromCache: result.fromCache }
      } catch (err) {
        throw filterParamError(err)
      }
    }
  })
}
