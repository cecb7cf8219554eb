import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import { VERSION } from '../../../package.ts'
import type { RpcComponents } from '../components.ts'

export const NodeInfoResult = Type.Object({
  peerId: Type.String({ description: "This node's PeerId" }),
  addrs: Type.Array(Type.String(), { description: 'Listen multiaddrs, each ending in /p2p/<peerId>' }),
  version: Type.String({ description: 'The cpnet version' }),
  uptimeSec: Type.Number({ description: 'Seconds since the node started' }),
  role: Type.Union([Type.Literal('provider'), Type.Literal('consumer')], { description: 'provider: the node has pools (detected, declared or added); consumer: it has none' }),
  dhtMode: Type.Union([Type.Literal('server'), Type.Literal('client')], { description: 'The DHT mode the node is in now' }),
  dhtModeSetting: Type.Union([Type.Literal('auto'), Type.Literal('server'), Type.Literal('client')], { description: 'dht.mode: with auto, dhtMode follows whether the node has a public address' }),
  repo: Type.String({ description: "The path of the node's repo folder" })
})

export function nodeInfo (components: Pick<RpcComponents, 'peerId' | 'libp2p' | 'node' | 'config'>) {
  return defineMethod({
    name: 'node_info',
    summary: 'Identity, addresses, version, uptime and role of this node',
    permission: 'read',
    params: Type.Object({}, { additionalProperties: false }),
    result: NodeInfoResult,
    handler: () => ({
      peerId: components.peerId.toString(),
      addrs: components.libp2p.getMultiaddrs().map(String),
      version: VERSION,
      uptimeSec: Math.round(components.node.uptimeSeconds),
      role: components.node.role,
      dhtMode: components.libp2p.services.dht.getMode(),
      dhtModeSetting: components.config.dht.mode,
      repo: components.node.repoRoot
    })
  })
}
