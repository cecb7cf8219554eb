/**
 * What each testnet node is configured with: the single place to change when
 * nodes should differ by role.
 *
 * Today every node gets the test profile (loopback, OS-chosen swarm and RPC
 * ports, loopback exempt from gossipsub's IP-colocation penalty) plus the
 * bootstrap peer. Once the config has a provider section with declared pools,
 * providers get their sample inventory here, picked by `index` from the mix
 * described in config/testnet/README.md.
 */
import type { ConfigPatch, ProfileName } from '../config/load.ts'
import type { NodeRole } from './state.ts'

export interface NodeConfig {
  profiles: ProfileName[]
  /** Applied on top of the profiles when the node's repo is initialised. */
  patch: ConfigPatch
}

/**
 * @param role - what the testnet assigned (providers will get pools)
 * @param index - 0-based position among the nodes of that role
 * @param bootstrap - multiaddrs (with /p2p/) to dial at start; empty for the first node
 */
export function nodeConfigFor (role: NodeRole, index: number, bootstrap: string[]): NodeConfig {
  return { profiles: ['test'], patch: { bootstrap } }
}
