import type { Command } from 'commander'
import { clientAction } from '../client-command.ts'
import { formatDuration, formatFields } from '../output.ts'
import type { NodeHealth } from '../../rpc/methods/node/health.ts'

interface Status {
  info: { peerId: string, addrs: string[], version: string, uptimeSec: number, role: string, dhtMode: string, dhtModeSetting: string, repo: string }
  health: NodeHealth
  rpcUrl: string
}

export function registerStatus (program: Command): void {
  program.command('status')
    .description('show the running daemon: identity, addresses, peers, health')
    .action(clientAction(async (client): Promise<Status> => {
      const [info, health] = await Promise.all([client.call<Status['info']>('node_info'), client.call<Status['health']>('node_health')])
      return { info, health, rpcUrl: client.url }
    }, ({ info, health, rpcUrl }) => formatFields([
      ['PeerID', info.peerId],
      ['Version', info.version],
      ['Role', info.role],
      ['State', health.status],
      ['Health', health.level],
      ...health.reasons.map((r): [string, string] => ['', `${r.code}: ${r.message}`]),
      ['Uptime', formatDuration(info.uptimeSec)],
      ['Peers', `${health.peers} connected (network.minPeers ${health.minPeers}), ${health.dhtPeers} in the DHT`],
      ['DHT mode', info.dhtModeSetting === 'auto' ? `${info.dhtMode} (auto)` : info.dhtMode],
      ['RPC', rpcUrl],
      ['Repo', info.repo],
      ...info.addrs.map((a, i): [string, string] => [i === 0 ? 'Addresses' : '', a])
    ])))
}
