/**
 * The bootstrapper finds peers beyond its bootstrap list. A node whose only
 * peer knew nobody when kad-dht ran its one early self-query (the next is 5
 * minutes later) used to stay at that one peer: its peer store held no other
 * candidate to dial. It must reach `network.minPeers` through a DHT lookup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { InProcessNetwork } from '../../src/testnet/in-process.ts'
import { startDaemon, type Daemon } from '../../src/node/daemon.ts'
import { silentLogger } from '../../src/log/logger.ts'
import { waitFor, waitForProgress } from '../../src/testnet/wait.ts'

const MIN_PEERS = 4
/** kad-dht's first self-query starts 1 s after libp2p and is aborted 5 s later at the latest. */
const SELF_QUERY_END_MS = 7_000
const NETWORK_SIZE = 6

describe('a node whose only peer knew nobody at first', () => {
  let net: InProcessNetwork
  let root: string
  const extra: Daemon[] = []
  const tag = randomBytes(4).toString('hex')

  async function standalone (name: string, bootstrap: string[]): Promise<Daemon> {
    const daemon = await startDaemon({
      repoPath: join(root, name),
      initProfiles: ['test'],
      env: {},
      transport: 'memory',
      logger: silentLogger(),
      flags: [
        { path: 'listen', value: [`/memory/cpnet-boot-${tag}-${name}`], flag: 'test' },
        { path: 'network.minPeers', value: MIN_PEERS, flag: 'test' },
        ...(bootstrap.length > 0 ? [{ path: 'bootstrap', value: bootstrap, flag: 'test' }] : [])
      ]
    })
    extra.push(daemon)
    return daemon
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cpnet-boot-'))
    net = await InProcessNetwork.start({ size: NETWORK_SIZE })
    await net.ready(MIN_PEERS)
  })

  afterAll(async () => {
    await Promise.allSettled(extra.map(async d => d.stop()))
    await net?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('reaches minPeers through a DHT lookup', async () => {
    // lonely knows nobody; late bootstraps from lonely alone and runs its self-query with lonely only
    const lonely = await standalone('lonely', [])
    const lonelyAddr = lonely.node.libp2p.getMultiaddrs()[0]?.toString() as string
    const lateStarted = Date.now()
    const late = await standalone('late', [lonelyAddr])
    // kad-dht runs its first self-query 1 s after start and gives it 5 s at most; it announces
    // the end on the node's event bus (libp2p's event map does not name it), unless that came
    // before this listener, so the wait ends on the event or once the query must have ended
    const events: EventTarget = late.node.libp2p
    let selfQueried = false
    events.addEventListener('kad-dht:query:self', () => { selfQueried = true }, { once: true })
    await waitFor('the late node\'s first self-query to end', () => selfQueried || Date.now() - lateStarted > SELF_QUERY_END_MS, SELF_QUERY_END_MS * 2)
    expect(late.node.libp2p.getPeers().length).toBe(1)

    // only now does lonely join the network: late's peer store still names lonely alone
    const seed = net.node(0).node.libp2p.getMultiaddrs()[0]
    if (seed == null) throw new Error('the seed has no address')
    await lonely.node.libp2p.dial(seed)

    await waitForProgress(`the late node connected to ${MIN_PEERS}+ peers`, () => MIN_PEERS - late.node.libp2p.getPeers().length)
  })
})
