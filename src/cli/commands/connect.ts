import type { Command } from 'commander'
import { clientAction } from '../client-command.ts'

export function registerConnect (program: Command): void {
  program.command('connect')
    .description('dial a peer and keep it connected')
    .argument('<multiaddr>', 'address ending in /p2p/<peerId>')
    .action(clientAction(
      async (client, multiaddr: string) => client.call<{ peerId: string, remoteAddr: string, offers: number }>('node_connect', { multiaddr }),
      r => `connected to ${r.peerId} at ${r.remoteAddr} (${r.offers} offer${r.offers === 1 ? '' : 's'})`
    ))
}
