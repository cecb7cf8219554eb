import type { Command } from 'commander'
import { clientAction } from '../client-command.ts'
import { formatDuration, formatFields } from '../output.ts'

interface Status {
  info: { peerId: string, addrs: string[], version: string, uptimeSec: number, role: string, dhtMode: string, repo: string }
  health: { healthy: boolean, status: string, peers: number, dhtPeers: number, problems: string[] }
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
      ['Health', health.healthy ? 'ok' : health.problems.join('; ')],
      ['Uptime', formatDuration(info.uptimeSec)],
      ['Peers', `${health.peers} connected, ${health.dhtPeers} in the DHT`],
      ['DHT mode', info.dhtMode],
      ['RPC', rpcUrl],
      ['Repo', info.repo],
      ...info.addrs.map((a, i): [string, string] => [i === 0 ? 'Addresses' : '', a])
    ])))
}
