import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { CpnetNode } from '../../../node/node.ts'

export const NodeHealthResult = Type.Object({
  healthy: Type.Boolean(),
  status: Type.String({ description: 'Node lifecycle state: starting, running, stopping or stopped' }),
  peers: Type.Integer(),
  dhtPeers: Type.Integer({ description: 'Connected peers that speak our DHT protocol' }),
  uptimeSec: Type.Number(),
  problems: Type.Array(Type.String())
})

export function nodeHealth (node: CpnetNode) {
  return defineMethod({
    name: 'node_health',
    summary: 'Whether the node is running and connected, with the reasons when it is not healthy',
    permission: 'read',
    params: Type.Object({}, { additionalProperties: false }),
    result: NodeHealthResult,
    handler: async () => {
      const problems: string[] = []
      const running = node.status === 'running'
      const peers = running ? node.libp2p.getPeers().length : 0
      const dhtPeers = running ? await countDhtPeers(node) : 0
      if (!running) problems.push(`node is ${node.status}`)
      if (running && peers === 0 && node.config.bootstrap.length > 0) problems.push('no peers connected; bootstrap peers unreachable')
      if (running && peers > 0 && dhtPeers === 0) problems.push(`no connected peer speaks ${node.config.dht.protocol}`)
      return { healthy: problems.length === 0, status: node.status, peers, dhtPeers, uptimeSec: Math.round(node.uptimeSeconds), problems }
    }
  })
}

async function countDhtPeers (node: CpnetNode): Promise<number> {
  const protocol = node.config.dht.protocol
  let count = 0
  for (const peerId of node.libp2p.getPeers()) {
    const peer = await node.libp2p.peerStore.get(peerId).catch(() => undefined)
    if (peer?.protocols.some(p => p.startsWith(protocol)) === true) count++
  }
  return count
}
