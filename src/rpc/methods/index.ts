/** Every method the daemon serves, registered in one registry at start-up. */
import { MethodRegistry } from '../registry.ts'
import type { CpnetNode } from '../../node/node.ts'
import { rpcDiscover } from './discover.ts'
import { nodeConnect } from './node/connect.ts'
import { nodeHealth } from './node/health.ts'
import { nodeInfo } from './node/info.ts'
import { nodePeers } from './node/peers.ts'

/** The API's namespaces, as in DESIGN: one per part of the node. */
export const RPC_NAMESPACES = ['node', 'offers', 'prices', 'lease', 'provider'] as const

export function nodeMethods (node: CpnetNode): MethodRegistry {
  const registry = new MethodRegistry({ namespaces: RPC_NAMESPACES })
  registry.register(
    nodeInfo(node),
    nodePeers(node),
    nodeConnect(node),
    nodeHealth(node),
    rpcDiscover(registry)
  )
  return registry
}
