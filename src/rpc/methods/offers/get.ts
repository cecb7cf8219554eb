import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import { InvalidParamsError } from '../../errors.ts'
import type { CpnetNode } from '../../../node/node.ts'
import { InvalidCpiError } from '../../../identity/cpi.ts'
import { SEARCH_MAX_TIMEOUT_MS } from '../../../discovery/constants.ts'
import { OfferViewSchema, toOfferView } from '../../../discovery/view.ts'

export function offersGet (node: CpnetNode) {
  return defineMethod({
    name: 'offers_get',
    summary: 'The current verified offer of one CPI: from its provider, else from the DHT',
    permission: 'read',
    params: Type.Object({
      cpi: Type.String({ maxLength: 256, description: 'cpi:<peerId>/<pool>' }),
      timeoutMs: Type.Optional(Type.Integer({ minimum: 10, maximum: SEARCH_MAX_TIMEOUT_MS }))
    }, { additionalProperties: false }),
    result: OfferViewSchema,
    handler: async ({ cpi, timeoutMs }) => {
      try {
        return toOfferView(await node.discovery.search.get(cpi, timeoutMs))
      } catch (err) {
        if (err instanceof InvalidCpiError) throw new InvalidParamsError('/cpi', err.message)
        throw err
      }
    }
  })
}
