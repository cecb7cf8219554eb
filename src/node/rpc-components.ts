/**
 * The node's parts as the API's methods take them (src/rpc/methods/components.ts):
 * getters, so that a method reads a part when it is called and gets
 * NodeNotRunningError (-32005) while the node is not running.
 */
import type { RpcComponents } from '../rpc/methods/components.ts'
import type { CpnetNode } from './node.ts'

export function rpcComponents (node: CpnetNode): RpcComponents {
  return {
    peerId: node.peerId,
    config: node.config,
    node: {
      get status () { return node.status },
      get uptimeSeconds () { return node.uptimeSeconds },
      get role () { return node.role },
      repoRoot: node.repo.layout.root
    },
    get libp2p () { return node.libp2p },
    get inventory () { return node.inventory },
    get discovery () { return node.discovery },
    get ledger () { return node.ledger },
    get leases () { return node.leases },
    get pricing () { return node.pricing }
  }
}
