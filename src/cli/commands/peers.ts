/** `cpnet peers`: the PeerId short (`12D3…Jabc`) and the first address, cut to fit, unless --wide. */
import type { Command } from 'commander'
import { clientAction } from '../client-command.ts'
import { formatTable, shortPeerId, tableOptions, TEXT_MIN_WIDTH } from '../output.ts'

interface Peer { peerId: string, connected: boolean, addrs: string[], direction?: string, rttMs?: number }

export function registerPeers (program: Command): void {
  program.command('peers')
    .description('list connected peers')
    .option('--all', 'also list known peers that are not connected')
    .action(clientAction(
      async (client, opts: { all?: boolean }) => client.call<Peer[]>('node_peers', { all: opts.all === true }),
      (peers, render) => peers.length === 0
        ? 'no peers'
        : formatTable(['PEER', 'CONNECTED', 'DIRECTION', 'RTT', 'ADDRESS'],
          peers.map(p => [shortPeerId(p.peerId, render), p.connected ? 'yes' : 'no', p.direction, p.rttMs != null ? `${p.rttMs}ms` : undefined, p.addrs[0]]),
          tableOptions(render, { 4: TEXT_MIN_WIDTH }))
    ))
}
