import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import { InvalidParamsError } from '../../errors.ts'
import type { RpcComponents } from '../components.ts'
import { PriceSchema } from '../../../config/pool-schema.ts'
import { CpiParamSchema, FilterParamSchema, filterParamError, parseCpiParam } from '../params.ts'
import { LeaseViewSchema, consumerLeaseView } from '../../../lease/view.ts'

const MAX_ATTEMPTS = 20

export function leaseRequest (components: Pick<RpcComponents, 'peerId' | 'leases'>) {
  return defineMethod({
    name: 'lease_request',
    summary: 'Negotiate a lease with a provider: by CPI, or the cheapest offer matching a filter',
    description: 'With a filter, matching offers of other nodes are tried cheapest first (this node never leases from itself) and the next is tried when one refuses. The lease is held co-signed by both peers. The lease returned is always active, granted by the provider. A lease accepted but not confirmed fails with -32011 and stays pending (lease_get shows it) until the provider answers; one the provider then holds no record of fails with -32012 (failed), one it reports over with -32013.',
    permission: 'write',
    params: Type.Object({
      cpi: Type.Optional(CpiParamSchema),
      filter: Type.Optional(FilterParamSchema),
      gpus: Type.Integer({ minimum: 1, maximum: 1024 }),
      durationSec: Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600 }),
      maxPrice: PriceSchema,
      bidMicrosPerGpuHour: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Counter-offer with this price first; maxPrice is still accepted in the end' })),
      attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ATTEMPTS, description: 'With a filter: offers tried at most (default 5)' }))
    }, { additionalProperties: false }),
    result: Type.Object({
      lease: LeaseViewSchema,
      refusals: Type.Array(Type.Object({ cpi: Type.String(), reason: Type.String() }), { description: 'Offers that refused before this one granted' })
    }),
    handler: async params => {
      if ((params.cpi == null) === (params.filter == null)) throw new InvalidParamsError('', 'give either cpi or filter')
      const ask = {
        gpus: params.gpus,
        durationSec: params.durationSec,
        maxMicros: BigInt(params.maxPrice.microsPerGpuHour),
        currency: params.maxPrice.currency,
        bidMicros: params.bidMicrosPerGpuHour != null ? BigInt(params.bidMicrosPerGpuHour) : undefined
      }
      if (params.cpi != null) {
        if (parseCpiParam(params.cpi).peerId.equals(components.peerId)) {
          throw new InvalidParamsError('/cpi', "is one of this node's own pools; a node never leases from itself")
        }
        return { lease: consumerLeaseView(await components.leases.request({ ...ask, cpi: params.cpi })), refusals: [] }
      }
      try {
        const outcome = await components.leases.requestByFilter({ ...ask, filter: params.filter ?? '', attempts: params.attempts ?? 5 })
        return { lease: consumerLeaseView(outcome.lease), refusals: outcome.refusals }
      } catch (err) {
        throw filterParamError(err)
      }
    }
  })
}
