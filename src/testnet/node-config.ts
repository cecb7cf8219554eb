/**
 * What each testnet node is configured with: the single place where nodes
 * differ by role. Every node gets the test profile (loopback, OS-chosen swarm
 * and RPC ports, loopback exempt from gossipsub's IP-colocation penalty) and
 * its bootstrap peers; provider N also gets the sample inventory
 * config/testnet/provider-<N mod count>.json (its `provider` section). With
 * an sshd to log leases in through (the demo's), every provider's pools use
 * the ssh provisioner behind it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ConfigPatch, ProfileName } from '../config/load.ts'
import type { Config } from '../config/schema.ts'
import { CONFIG_DIR } from '../package.ts'
import type { NodeRole } from './state.ts'

export interface NodeConfig {
  profiles: ProfileName[]
  /** Applied on top of the profiles when the node's repo is initialised. */
  patch: ConfigPatch
}

const INVENTORY_DIR = join(CONFIG_DIR, 'testnet')

/** The sample inventories, in order (provider-1.json, provider-2.json, …). */
export function sampleInventories (): string[] {
  return readdirSync(INVENTORY_DIR)
    .filter(f => /^provider-\d+\.json$/.test(f))
    .sort((a, b) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]))
    .map(f => join(INVENTORY_DIR, f))
}

/**
 * @param role - what the testnet assigned
 * @param index - 0-based position among the nodes of that role
 * @param bootstrap - multiaddrs (with /p2p/) to dial at start; empty for the first node
 * @param ssh - the ssh provisioner's settings, when providers hand leases over through an sshd
 */
export function nodeConfigFor (role: NodeRole, index: number, bootstrap: string[], ssh?: Config['lease']['ssh']): NodeConfig {
  if (role !== 'provider') return { profiles: ['test'], patch: { bootstrap } }
  const inventories = sampleInventories()
  const file = inventories[index % inventories.length] as string
  const provider = JSON.parse(readFileSync(file, 'utf8')) as { pools: ConfigPatch[] }
  if (ssh == null) return { profiles: ['test'], patch: { bootstrap, provider } }
  const pools = provider.pools.map(pool => ({ ...pool, provisioner: 'ssh' }))
  return { profiles: ['test'], patch: { bootstrap, provider: { ...provider, pools }, lease: { ssh } } }
}
