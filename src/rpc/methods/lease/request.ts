import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import { InvalidParamsError } from '../../errors.ts'
import type { RpcComponents } from '../components.ts'
import { PriceSchema } from '../../../config/pool-schema.ts'
import { CpiParamSchema, FilterParamSchema, filterParamError, parseCpiParam } from '../params.ts'
import { LeaseViewSchema, consumerLeaseView } from '../../../lease/view.ts'
import { AccessParamSchema, accessRequestParam } from './access-param.ts'

const MAX_ATTEMPTS = 20

export function leaseRequest (components: Pick<RpcComponents, 'peerId' | 'leases'>) {
  return defineMethod({
    name: 'lease_request',
    summary: 'Negotiate a lease with a provider: by CPI, or the cheapest offer matching a filter',
    description: 'Give exactly one of cpi and filter. Negotiates a lease (docs/PROTOCOL.md §8): with cpi, with that pool; with filter, with the cheapest matching offers of other nodes in turn (this node never leases from itself), falling back to the next when one refuses, cannot be reached before the Accept, or says after the Accept that it holds no lease for it (-32012 from that provider): no lease exists there in each case. An unconfirmed Grant (-32011) ends the request, since that lease may exist; it stays pending (lease_get shows it) until the provider answers. The lease returned is always active, co-signed by both peers. With access, the provider\'s provisioner hands the lease over (SSH keys for ssh and container pools, an image, command and environment in container pools) and the lease\'s access says how to reach it. Errors: -32010 with the provider\'s reason (INVALID or POLICY naming the access field it refused); -32011 when the Grant was not confirmed; -32012 when the provider, asked after a lost Grant, has no lease for it (with a filter: when no offer granted one and none refused); -32013 when it says the lease is over already; -32602 for a CPI of this node\'s own pools; -32002 when no offer matches the filter; -32003 (LeaseTimeoutError) when the provider did not answer a step in time; -32000 (LeaseStreamError) when the stream could not be opened or was reset. data.name says which.',
    permission: 'write',
    params: Type.Object({
      cpi: Type.Optional(CpiParamSchema),
      filter: Type.Optional(FilterParamSchema),
      gpus: Type.Integer({ minimum: 1, maximum: 1024, description: 'GPUs to lease' }),
      durationSec: Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600, description: 'Length of the lease, seconds' }),
      maxPrice: Type.Object(PriceSchema.properties, { additionalProperties: false, description: 'The highest price per GPU-hour accepted' }),
      bidMicrosPerGpuHour: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Counter-offer with this price first; maxPrice is still accepted in the end' })),
      attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ATTEMPTS, description: 'With a filter: offers tried at most (default 5)' })),
      access: Type.Optional(AccessParamSchema)
    }, { additionalProperties: false }),
    result: Type.Object({
      lease: LeaseViewSchema,
      refusals: Type.Array(Type.Object({
        cpi: Type.String({ description: 'The offer passed over' }),
        reason: Type.String({ description: 'Why, as the error that passed it over says' })
      }), { description: 'Offers passed over before this one granted, with why' })
    }),
    handler: async params => {
      if ((params.cpi == null) === (params.filter == null)) throw new InvalidParamsError('', 'give either cpi or filter')
      const ask = {
        gpus: params.gpus,
        durationSec: params.durationSec,
        maxMicros: BigInt(params.maxPrice.microsPerGpuHour),
        currency: params.maxPrice.currency,
        bidMicros: params.bidMicrosPerGpuHour != null ? BigInt(params.bidMicrosPerGpuHour) : undefined,
        access: accessRequestParam(params.access)
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
