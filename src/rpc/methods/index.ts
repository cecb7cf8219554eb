/** Every method the daemon serves, registered in one registry at start-up. */
import { MethodRegistry } from '../registry.ts'
import type { RpcComponents } from './components.ts'
import { rpcDiscover } from './discover.ts'
import { nodeConnect } from './node/connect.ts'
import { nodeHealth } from './node/health.ts'
import { nodeInfo } from './node/info.ts'
import { nodePeers } from './node/peers.ts'
import { offersGet } from './offers/get.ts'
import { offersSearch } from './offers/search.ts'
import { providerAddPool } from './provider/add-pool.ts'
import { providerPools } from './provider/pools.ts'
import { providerRemovePool } from './provider/remove-pool.ts'
import { providerLeases } from './provider/leases.ts'
import { leaseRequest } from './lease/request.ts'
import { leaseGet } from './lease/get.ts'
import { leaseList } from './lease/list.ts'
import { leaseRenew } from './lease/renew.ts'
import { leaseRelease } from './lease/release.ts'
import { providerSetPrice } from './provider/set-price.ts'
import { pricesHistory } from './prices/history.ts'
import { pricesLatest } from './prices/latest.ts'
import { pricesSubscribe } from './prices/subscribe.ts'
import { pricesUnsubscribe } from './prices/unsubscribe.ts'

/** The API's namespaces, as in DESIGN: one per part of the node. */
export const RPC_NAMESPACES = ['node', 'offers', 'prices', 'lease', 'provider'] as const

/** The registry of every method, each given the parts of the node it calls. */
export function nodeMethods (components: RpcComponents): MethodRegistry {
  const registry = new MethodRegistry({ namespaces: RPC_NAMESPACES })
  registry.register(
    nodeInfo(components),
    nodePeers(components),
    nodeConnect(components),
    nodeHealth(components),
    offersSearch(components),
    offersGet(components),
    providerPools(components),
    providerAddPool(components),
    providerRemovePool(components),
    providerLeases(components),
    leaseRequest(components),
    leaseGet(components),
    leaseList(components),
    leaseRenew(components),
    leaseRelease(components),
    providerSetPrice(components),
    pricesLatest(components),
    pricesHistory(components),
    pricesSubscribe(components),
    pricesUnsubscribe(components),
    rpcDiscover(registry)
  )
  return registry
}
