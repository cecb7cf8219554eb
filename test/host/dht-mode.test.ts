/**
 * dht.mode on real daemons (TCP on loopback): `auto`, the default, keeps a
 * node without a public address a DHT client, which opens no DHT server for
 * others; an announced public address makes it a server; `server` and
 * `client` are what they say.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { DaemonPool, waitFor } from '../helpers/daemons.ts'
import type { FlagOverride } from '../../src/config/load.ts'

interface Info { dhtMode: string, dhtModeSetting: string }
interface Peer { peerId: string, connected: boolean, protocols: string[] }

const mode = (value: string): FlagOverride => ({ path: 'dht.mode', value, flag: '--dht-mode' })
const DHT_PROTOCOL = '/cpnet/kad/1.0.0'

describe('DHT mode', () => {
  const pool = new DaemonPool()
  afterAll(async () => { await pool.cleanup() })

  it('auto with only private addresses (a laptop behind NAT) is a client: peers do not see it serve the DHT', async () => {
    const server = await pool.start()
    const laptop = await pool.start({ extraFlags: [mode('auto')], bootstrap: [server.addrs[0] as string] })
    expect(await laptop.anonymous.call<Info>('node_info')).toMatchObject({ dhtMode: 'client', dhtModeSetting: 'auto' })
    expect(await server.anonymous.call<Info>('node_info')).toMatchObject({ dhtMode: 'server', dhtModeSetting: 'server' })

    // identify tells the server which protocols the laptop handles: not the DHT's
    const laptopId = laptop.node.peerId.toString()
    const seenByServer = async (): Promise<Peer | undefined> => (await server.anonymous.call<Peer[]>('node_peers')).find(p => p.peerId === laptopId)
    await waitFor('the server to identify the laptop', async () => ((await seenByServer())?.protocols.length ?? 0) > 0)
    expect((await seenByServer())?.protocols.some(p => p.startsWith(DHT_PROTOCOL))).toBe(false)
    // and the laptop still uses the DHT as a client: the server is its DHT peer
    await waitFor('the laptop to count the server as a DHT peer', async () => (await laptop.anonymous.call<{ dhtPeers: number }>('node_health')).dhtPeers === 1)
    expect((await laptop.anonymous.call<Info>('node_info')).dhtMode).toBe('client')
  })

  it('auto with an announced public address switches to server', async () => {
    const provider = await pool.start({
      extraFlags: [mode('auto'), { path: 'announce', value: ['/dns4/provider.example.com/tcp/7781'], flag: '--announce' }]
    })
    await waitFor('kad-dht to switch to server mode', async () => (await provider.anonymous.call<Info>('node_info')).dhtMode === 'server')
  })

  it('client stays a client even with a public address; server is a server on loopback', async () => {
    const client = await pool.start({ extraFlags: [mode('client'), { path: 'announce', value: ['/dns4/consumer.example.com/tcp/7781'], flag: '--announce' }] })
    const server = await pool.start({ extraFlags: [mode('server')] })
    expect(await client.anonymous.call<Info>('node_info')).toMatchObject({ dhtMode: 'client', dhtModeSetting: 'client' })
    expect(await server.anonymous.call<Info>('node_info')).toMatchObject({ dhtMode: 'server', dhtModeSetting: 'server' })
  })
})
