import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'
import { CpiParamSchema, parseCpiParam } from '../params.ts'
import { PRICES_DEFAULT_LIMIT, PRICES_MAX_LIMIT } from '../../../pricing/constants.ts'
import { PriceViewSchema } from '../../../pricing/view.ts'

const UnixMs = (description: string) => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description })

export function pricesHistory (components: Pick<RpcComponents, 'pricing'>) {
  return defineMethod({
    name: 'prices_history',
    summary: 'Recorded price changes of one CPI between two times, oldest first',
    description: 'Only changes are recorded (a heartbeat that repeats the last values is not), within prices.historyMaxAgeSec and prices.historyMaxPerCpi.',
    permission: 'read',
    params: Type.Object({
      cpi: CpiParamSchema,
      since: Type.Optional(UnixMs('unix ms, inclusive (default 0)')),
      until: Type.Optional(UnixMs('unix ms, inclusive (default now)')),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PRICES_MAX_LIMIT, description: `At most this many (default ${PRICES_DEFAULT_LIMIT})` }))
    }, { additionalProperties: false }),
    result: Type.Object({
      cpi: Type.String({ description: 'The CPI asked for' }),
      updates: Type.Array(PriceViewSchema, { description: 'Oldest first' }),
      more: Type.Boolean({ description: 'More entries match: ask again with since = the last issuedAt + 1' })
    }),
    handler: async ({ cpi, since, until, limit }) => {
      parseCpiParam(cpi)
      const page = await components.pricing.history.query({ cpi, since, until, limit: limit ?? PRICES_DEFAULT_LIMIT })
      return { cpi, ...page }
    }
  })
}
