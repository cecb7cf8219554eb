import { defineMethod } from '../../registry.ts'
import { InvalidParamsError } from '../../errors.ts'
import type { RpcComponents } from '../components.ts'
import { PoolSpecError } from '../../../inventory/errors.ts'
import { PoolSpecSchema } from '../../../config/pool-schema.ts'
import { PoolViewSchema, toPoolView } from './pool-view.ts'

export function providerAddPool (components: Pick<RpcComponents, 'peerId' | 'inventory' | 'discovery'>) {
  return defineMethod({
    name: 'provider_addPool',
    summary: 'Add a pool, or replace one added before; it is kept across restarts and offered at once',
    description: 'The params are the pool. Fields left out come from the provider section of the config (region, labels, price, lease bounds). A floor above the pool\'s price (its own, else provider.price) is refused, not lowered: -32602 with data.path /floorMicrosPerGpuHour. A device list (devices) has one entry per GPU and no index, uuid or pciBusId twice, else -32602 with data.path naming it (/devices, /devices/2/index).',
    permission: 'admin',
    params: PoolSpecSchema,
    result: PoolViewSchema,
    handler: async (spec) => {
      try {
        return toPoolView(components, await components.inventory.add(spec))
      } catch (err) {
        // a spec that cannot stand is the caller's params: -32602 naming the field
        if (err instanceof PoolSpecError) throw new InvalidParamsError(`/${err.field.split('.').join('/')}`, err.message)
        throw err
      }
    }
  })
}
