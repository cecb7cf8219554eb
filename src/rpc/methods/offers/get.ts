import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'
import { CpiParamSchema, cpiParamError } from '../params.ts'
import { SEARCH_MAX_TIMEOUT_MS } from '../../../discovery/constants.ts'
import { OfferViewSchema, toOfferView } from '../../../discovery/view.ts'

export function offersGet (components: Pick<RpcComponents, 'discovery'>) {
  return defineMethod({
    name: 'offers_get',
    summary: 'The current verified offer of one CPI: from its provider, else from the DHT',
    description: 'An offer found nowhere is -32002.',
    permission: 'read',
    params: Type.Object({
      cpi: CpiParamSchema,
      timeoutMs: Type.Optional(Type.Integer({ minimum: 10, maximum: SEARCH_MAX_TIMEOUT_MS, description: 'Deadline; discovery.searchTimeoutMs by default' }))
    }, { additionalProperties: false }),
    result: OfferViewSchema,
    handler: async ({ cpi, timeoutMs }) => {
      try {
        return toOfferView(await components.discovery.search.get(cpi, timeoutMs))
      } catch (err) {
        throw cpiParamError(err)
      }
    }
  })
}
