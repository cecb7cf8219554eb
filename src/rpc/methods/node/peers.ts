import { Type } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'

export const NodePeer = Type.Object({
  peerId: Type.String(),
  connected: Type.Boolean({ description: 'false: only known from the peer store (with all)' }),
  addrs: Type.Array(Type.String(), { description: 'Remote addresses of open connections, or known addresses when not connected' }),
  direction: Type.Optional(Type.Union([Type.Literal('inbound'), Type.Literal('outbound')], { description: 'Who dialled the first open connection' })),
  rttMs: Type.Optional(Type.Number({ description: 'Round-trip time measured by the connection monitor' })),
  protocols: Type.Array(Type.String(), { description: 'Protocols the peer said it speaks (identify)' })
})

export function nodePeers (components: Pick<RpcComponents, 'libp2p' | 'peerId'>) {
  return defineMethod({
    name: 'node_peers',
    summary: 'Connected peers; with all, every peer in the peer store',
    description: 'Connected peers first, then the others, each group by PeerId.',
    permission: 'read',
    params: Type.Object({
      all: Type.Optional(Type.Boolean({ description: 'Also list known peers that are not connected' }))
    }, { additionalProperties: false }),
    result: Type.Array(NodePeer),
    handler: async ({ all }) => {
      const libp2p = components.libp2p
      const byPeer = new Map<string, ReturnType<typeof libp2p.getConnections>>()
      for (const conn of libp2p.getConnections()) {
        const id = conn.remotePeer.toString()
        byPeer.set(id, [...(byPeer.get(id) ?? []), conn])
      }
      const peers = await libp2p.peerStore.all()
      const protocolsOf = new Map(peers.map(p => [p.id.toString(), p.protocols]))
      const out = [...byPeer.entries()].map(([peerId, conns]) => {
        const first = conns[0]
        return {
          peerId,
          connected: true,
          addrs: conns.map(c => c.remoteAddr.toString()),
          direction: first?.direction,
          ...(first?.rtt != null ? { rttMs: first.rtt } : {}),
          protocols: protocolsOf.get(peerId) ?? []
        }
      })
      if (all === true) {
        for (const p of peers) {
          const peerId = p.id.toString()
          if (byPeer.has(peerId) || p.id.equals(components.peerId)) continue
          out.push({ peerId, connected: false, addrs: p.addresses.map(a => a.multiaddr.toString()), direction: undefined, protocols: p.protocols })
        }
      }
      return out.sort((a, b) => Number(b.connected) - Number(a.connected) || a.peerId.localeCompare(b.peerId))
    }
  })
}
