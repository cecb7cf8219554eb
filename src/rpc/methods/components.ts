/**
 * What the API's methods need of the node, part by part. Each method names
 * the parts it calls (a `Pick` of these), never the whole node: the roof
 * (src/node/daemon.ts) hands over one object whose getters give a part while
 * the node runs and throw NodeNotRunningError (-32005) otherwise, so a
 * handler reads a part when it runs, never when it is defined.
 */
import type { PeerId } from '@libp2p/interface'
import type { Config } from '../../config/schema.ts'
import type { Discovery } from '../../discovery/service.ts'
import type { CpnetLibp2p } from '../../host/libp2p.ts'
import type { NodeStatus } from '../../host/lifecycle.ts'
import type { Inventory } from '../../inventory/inventory.ts'
import type { LeaseService } from '../../lease/service.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import type { Pricing } from '../../pricing/service.ts'

/** The node's own state, as node_info and node_health report it. */
export interface NodeState {
  readonly status: NodeStatus
  readonly uptimeSeconds: number
  /** A node with pools is a provider; one without is a pure consumer. */
  readonly role: 'provider' | 'consumer'
  /** The repo directory the node runs from. */
  readonly repoRoot: string
}

export interface RpcComponents {
  readonly peerId: PeerId
  readonly config: Pick<Config, 'bootstrap' | 'network' | 'dht'>
  readonly node: NodeState
  readonly libp2p: CpnetLibp2p
  readonly inventory: Inventory
  readonly discovery: Discovery
  readonly ledger: Ledger
  readonly leases: LeaseService
  readonly pricing: Pricing
}
