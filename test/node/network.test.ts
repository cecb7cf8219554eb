import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DaemonPool, waitFor, type TestDaemon } from '../helpers/daemons.ts'

interface Peer { peerId: string, connected: boolean }

describe('daemons find each other through bootstrap (real TCP on loopback)', () => {
  let pool: DaemonPool
  beforeEach(() => { pool = new DaemonPool() })
  afterEach(async () => { await pool.cleanup() })

  async function connectedPeers (d: TestDaemon): Promise<string[]> {
    const peers = await d.anonymous.call<Peer[]>('node_peers')
    return peers.filter(p => p.connected).map(p => p.peerId)
  }

  it('two daemons connect', async () => {
    const a = await pool.start()
    const b = await pool.start({ bootstrap: [a.addrs[0] as string] })
    await waitFor('b connected to a', async () => (await connectedPeers(b)).includes(a.node.peerId.toString()))
    await waitFor('a sees b', async () => (await connectedPeers(a)).includes(b.node.peerId.toString()))
  })

  it('five daemons bootstrapped from one all learn about every other', async () => {
    const seed = await pool.start()
    const others = await Promise.all([1, 2, 3, 4].map(async () => pool.start({ bootstrap: [seed.addrs[0] as string] })))
    const all = [seed, ...others]
    const ids = all.map(d => d.node.peerId.toString())
    for (const d of all) {
      await waitFor(`${d.node.peerId.toString()} knows all four others`, async () => {
        const known = (await d.anonymous.call<Peer[]>('node_peers', { all: true })).map(p => p.peerId)
        return ids.filter(id => id !== d.node.peerId.toString()).every(id => known.includes(id))
      })
    }
  })
})
