/** Every method the daemon serves, registered in one registry at start-up. */
import { MethodRegistry } from '../registry.ts'
import type { CpnetNode } from '../../node/node.ts'
import { rpcDiscover } from './discover.ts'
import { nodeConnect } from './node/connect.ts'
import { nodeHealth } from './node/health.ts'
import { nodeInfo } from './node/info.ts'
import { nodePeers } from './node/peers.ts'

export function nodeMethods (node: CpnetNode): MethodRegistry {
  const registry = new MethodRegistry()
  registry.register(
    nodeInfo(node),
    nodePeers(node),
    nodeConnect(node),
    nodeHealth(node),
    rpcDiscover(registry)
  )
  return registry
}
