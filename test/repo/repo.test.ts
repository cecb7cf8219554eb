import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { initRepo } from '../../src/repo/repo.ts'
import { repoLayout, resolveRepoPath } from '../../src/repo/layout.ts'
import { RepoExistsError, RepoLockedError } from '../../src/repo/errors.ts'
import { ConfigError } from '../../src/config/errors.ts'
import { DaemonPool, tempDir, waitFor } from '../helpers/daemons.ts'

interface Peer { peerId: string, connected: boolean }

describe('repo directory', () => {
  let dir: ReturnType<typeof tempDir>
  beforeEach(() => { dir = tempDir() })
  afterEach(() => { dir.remove() })

  it('init writes config, key and token, the secrets with mode 0600', async () => {
    const root = join(dir.path, 'repo')
    const { layout, peerId, config } = await initRepo(root, { profiles: ['test'] })
    expect(statSync(layout.key).mode & 0o777).toBe(0o600)
    expect(statSync(layout.token).mode & 0o777).toBe(0o600)
    expect(readFileSync(layout.token, 'utf8').trim()).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(JSON.parse(readFileSync(layout.config, 'utf8'))).toEqual(config)
    expect(config.rpc.port).toBe(0)
    expect(existsSync(layout.db) && existsSync(layout.datastore)).toBe(true)
    expect(peerId.type).toBe('Ed25519')
  })

  it('init refuses an existing repo and leaves it as it was', async () => {
    const root = join(dir.path, 'repo')
    const { layout } = await initRepo(root)
    const before = readFileSync(layout.key)
    await expect(initRepo(root)).rejects.toBeInstanceOf(RepoExistsError)
    expect(readFileSync(layout.key)).toEqual(before)
  })

  it('init with an unknown profile leaves nothing behind', async () => {
    const root = join(dir.path, 'repo')
    await expect(initRepo(root, { profiles: ['nope'] })).rejects.toBeInstanceOf(ConfigError)
    expect(existsSync(root)).toBe(false)
  })

  it('--repo wins over CPNET_REPO, which wins over ~/.cpnet', () => {
    expect(resolveRepoPath('/a', { CPNET_REPO: '/b' })).toBe('/a')
    expect(resolveRepoPath(undefined, { CPNET_REPO: '/b' })).toBe('/b')
    expect(resolveRepoPath(undefined, {})).toMatch(/\.cpnet$/)
  })
})

describe('daemon and repo', () => {
  let pool: DaemonPool
  beforeEach(() => { pool = new DaemonPool() })
  afterEach(async () => { await pool.cleanup() })

  it('a second daemon on the same repo fails with RepoLockedError; the first goes on', async () => {
    const first = await pool.start()
    await expect(pool.start({ repoPath: first.repoPath })).rejects.toBeInstanceOf(RepoLockedError)
    expect((await first.anonymous.call<{ peerId: string }>('node_info')).peerId).toBe(first.node.peerId.toString())
  })

  it('takes over a lock left by a process that is gone', async () => {
    const root = join(pool.root, 'stale')
    await initRepo(root, { profiles: ['test'] })
    // pid 2^22 + 1 is above Linux's pid_max, so no process has it
    writeFileSync(repoLayout(root).lock, `${2 ** 22 + 1}\n`)
    const daemon = await pool.start({ repoPath: root })
    expect(readFileSync(repoLayout(root).lock, 'utf8').trim()).toBe(String(process.pid))
    await daemon.stop()
    expect(existsSync(repoLayout(root).lock)).toBe(false)
  })

  it('a broken config file stops the start, names the field, and changes nothing in the repo', async () => {
    const root = join(pool.root, 'broken')
    const layout = (await initRepo(root, { profiles: ['test'] })).layout
    writeFileSync(layout.config, JSON.stringify({ rpc: { port: -1 } }))
    const snapshot = (): Record<string, string> => Object.fromEntries(readdirSync(root).filter(f => statSync(join(root, f)).isFile()).map(f => [f, readFileSync(join(root, f), 'base64')]))
    const before = snapshot()
    const err = await pool.start({ repoPath: root }).then(() => undefined, (e: unknown) => e as ConfigError)
    expect(err).toBeInstanceOf(ConfigError)
    expect(err?.issues[0]).toMatchObject({ field: 'rpc.port', source: layout.config })
    expect(snapshot()).toEqual(before)
    expect(existsSync(layout.lock)).toBe(false)
  })

  it('parts that fail to stop do not stop the rest: the databases close, the api file and the lock go', async () => {
    const daemon = await pool.start()
    const { node } = daemon
    const layout = repoLayout(daemon.repoPath)
    const { db, libp2p, discovery, pricing } = node
    discovery.stop = async () => { throw new Error('discovery would not stop') }
    pricing.stop = async () => { throw new Error('pricing would not stop') }
    const err = await daemon.stop().then(() => undefined, (e: unknown) => e as AggregateError)
    expect(err).toBeInstanceOf(AggregateError)
    expect(err?.errors.map(e => (e as Error).message)).toEqual(['discovery would not stop', 'pricing would not stop'])
    expect(libp2p.status).toBe('stopped')
    expect(db.status).toBe('closed')
    expect(node.status).toBe('stopped')
    expect(existsSync(layout.api)).toBe(false)
    expect(existsSync(layout.lock)).toBe(false)
  })

  it('a restart keeps the PeerId and the known peers, and reconnects to them', async () => {
    const a = await pool.start()
    const b = await pool.start()
    await b.admin.call('node_connect', { multiaddr: a.addrs[0] })
    const peerId = b.node.peerId.toString()
    await b.stop()
    const again = await pool.start({ repoPath: b.repoPath })
    expect(again.node.peerId.toString()).toBe(peerId)
    const known = await again.anonymous.call<Peer[]>('node_peers', { all: true })
    expect(known.map(p => p.peerId)).toContain(a.node.peerId.toString())
    await waitFor('the restarted node to reconnect to its known peer', async () =>
      (await again.anonymous.call<Peer[]>('node_peers')).some(p => p.peerId === a.node.peerId.toString() && p.connected))
  })
})
