/** `cpnet` as a user runs it: real processes, real signals. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { repoLayout } from '../../src/repo/layout.ts'
import { cleanEnv, killDaemon, runCli, spawnDaemon, type DaemonProcess } from '../helpers/cli.ts'
import { tempDir } from '../helpers/daemons.ts'

describe('cpnet daemon as a process', () => {
  let dir: ReturnType<typeof tempDir>
  const started: DaemonProcess[] = []
  beforeEach(() => { dir = tempDir() })
  afterEach(async () => {
    await Promise.all(started.splice(0).map(killDaemon))
    dir.remove()
  })

  async function daemon (repo: string, ...args: string[]): Promise<DaemonProcess> {
    const d = await spawnDaemon(['--repo', repo, '--profile', 'test', ...args])
    started.push(d)
    return d
  }

  it('initialises a missing repo, prints its banner, is seen by status, and exits 0 on SIGTERM', async () => {
    const repo = join(dir.path, 'node')
    const d = await daemon(repo)
    expect(d.stdout()).toMatch(/^PeerID: 12D3KooW\w+$/m)
    expect(d.stdout()).toMatch(/^Swarm listening on \/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW\w+$/m)
    expect(d.stdout()).toMatch(/^RPC API server listening on http:\/\/127\.0\.0\.1:\d+$/m)
    expect(d.stdout()).toMatch(/Daemon is ready\n$/)
    const layout = repoLayout(repo)
    expect(readFileSync(layout.lock, 'utf8').trim()).toBe(String(d.child.pid))

    const status = await runCli(['--repo', repo, '--json', 'status'])
    expect(status.code).toBe(0)
    const parsed = JSON.parse(status.stdout) as { info: { peerId: string }, health: { status: string } }
    expect(d.stdout()).toContain(parsed.info.peerId)
    expect(parsed.health.status).toBe('running')
    const human = await runCli(['--repo', repo, 'status'])
    expect(human.stdout).toMatch(/^PeerID:\s+12D3KooW/m)

    d.child.kill('SIGTERM')
    expect(await d.exited).toBe(0)
    expect(d.stdout()).toContain('shutting down')
    expect(existsSync(layout.lock)).toBe(false)
    expect(existsSync(layout.api)).toBe(false)
  })

  it('exits 0 on SIGINT too, and a restarted daemon keeps its PeerId', async () => {
    const repo = join(dir.path, 'node')
    const first = await daemon(repo)
    const peerId = /PeerID: (\S+)/.exec(first.stdout())?.[1]
    first.child.kill('SIGINT')
    expect(await first.exited).toBe(0)
    const second = await daemon(repo)
    expect(second.stdout()).toContain(`PeerID: ${peerId}`)
  })

  it('a second daemon on the same repo exits 1 with one line', async () => {
    const repo = join(dir.path, 'node')
    const first = await daemon(repo)
    const second = await daemon(repo)
    expect(await second.exited).toBe(1)
    expect(second.stderr().trim()).toBe(`cpnet: repo ${repo} is in use by another cpnet daemon (pid ${first.child.pid})`)
    expect(first.child.exitCode).toBeNull()
  })

  it('a broken config file: exit 1, one line naming the field', async () => {
    const repo = join(dir.path, 'node')
    expect((await runCli(['--repo', repo, 'init', '--profile', 'test'])).code).toBe(0)
    const layout = repoLayout(repo)
    writeFileSync(layout.config, '{"rpc": {"port": "x"}}')
    const d = await daemon(repo)
    expect(await d.exited).toBe(1)
    expect(d.stderr().trim().split('\n')).toHaveLength(1)
    expect(d.stderr()).toContain(`rpc.port (from ${layout.config})`)
    expect(existsSync(layout.lock)).toBe(false)
  })

  it('a flag overrides the environment, which overrides the file', async () => {
    const repo = join(dir.path, 'node')
    const d = await spawnDaemon(['--repo', repo, '--profile', 'test', '--dht-mode', 'client'], cleanEnv({ CPNET_DHT_MODE: 'server', CPNET_LOG_LEVEL: 'warn' }))
    started.push(d)
    const info = JSON.parse((await runCli(['--repo', repo, '--json', 'status'])).stdout) as { info: { dhtMode: string } }
    expect(info.info.dhtMode).toBe('client')
  })

  it('client commands fail in one line when no daemon runs', async () => {
    const res = await runCli(['--repo', join(dir.path, 'none'), 'status'])
    expect(res.code).toBe(1)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toMatch(/^cpnet: no daemon is running for repo/)
  })

  it('peers and connect work between two daemons', async () => {
    const a = join(dir.path, 'a')
    const b = join(dir.path, 'b')
    const da = await daemon(a)
    await daemon(b)
    const addr = /^Swarm listening on (\S+)$/m.exec(da.stdout())?.[1] as string
    const connect = await runCli(['--repo', b, 'connect', addr])
    expect(connect.code).toBe(0)
    expect(connect.stdout).toMatch(/^connected to 12D3KooW/)
    const peers = await runCli(['--repo', b, 'peers'])
    expect(peers.stdout).toMatch(/^PEER\s+CONNECTED/)
    expect(peers.stdout).toContain(addr.split('/p2p/')[1])
    const bad = await runCli(['--repo', b, 'connect', 'nonsense'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^cpnet: Invalid params: \/multiaddr: not a multiaddr/)
  })
})
