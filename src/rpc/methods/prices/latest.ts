import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'
import { PRICES_DEFAULT_LIMIT, PRICES_MAX_LIMIT } from '../../../pricing/constants.ts'
import { PriceViewSchema } from '../../../pricing/view.ts'
import { FilterParamSchema, parseFilterParam } from '../params.ts'

export function pricesLatest (components: Pick<RpcComponents, 'pricing'>) {
  return defineMethod({
    name: 'prices_latest',
    summary: 'The live price of every CPI in this node\'s price book that matches a filter, cheapest first',
    description: 'The price book holds the updates received over gossipsub and this node\'s own. The filter language is that of offers_search (docs/FILTERS.md); fields a price update does not carry (labels, memory, CPU, …) are read from the offer this node knows for the CPI, and read as empty without one.',
    permission: 'read',
    params: Type.Object({
      filter: Type.Optional(FilterParamSchema),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PRICES_MAX_LIMIT, description: `At most this many (default ${PRICES_DEFAULT_LIMIT})` }))
    }, { additionalProperties: false }),
    result: Type.Array(PriceViewSchema, { description: 'Cheapest first' }),
    handler: ({ filter, limit }) => components.pricing.latest(parseFilterParam(filter ?? ''), limit ?? PRICES_DEFAULT_LIMIT)
  })
}
