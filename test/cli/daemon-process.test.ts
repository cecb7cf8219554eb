/** `cpnet` as a user runs it: real processes, real signals. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { REPO_ENV, repoLayout } from '../../src/repo/layout.ts'
import { processState } from '../../src/repo/process-state.ts'
import { SAME_SIGNAL_WINDOW_MS } from '../../src/cli/commands/daemon.ts'
import { cleanEnv, killDaemon, runCli, spawnDaemon, spawnUntilReady, type DaemonProcess } from '../helpers/cli.ts'
import { tempDir, waitFor } from '../helpers/daemons.ts'

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** A zombie (exited, not yet reaped by whoever adopted it) counts as gone. */
function isRunning (pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  return processState(pid) !== 'Z'
}

/** Resolves once the process has written `text` to stdout (as it comes, not polled). */
async function untilStdout (d: DaemonProcess, text: string): Promise<void> {
  await new Promise<void>(resolve => {
    const check = (): void => {
      if (!d.stdout().includes(text)) return
      d.child.stdout?.off('data', check)
      resolve()
    }
    d.child.stdout?.on('data', check)
    check()
  })
}

/**
 * A JSON-RPC call the daemon has begun (it answered 100 Continue, which Node's
 * server does just before it hands the request over) and whose body never
 * comes: the daemon's stop waits for it, up to DRAIN_TIMEOUT_MS.
 */
async function holdCallInFlight (apiFile: string): Promise<void> {
  const req = request(readFileSync(apiFile, 'utf8').trim(), { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '64', expect: '100-continue' } })
  // the daemon closes the connection when it stops
  req.on('error', () => {})
  const started = new Promise<void>(resolve => { req.once('continue', resolve) })
  req.flushHeaders()
  await started
}

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

  it('a reader that closes its end of the pipe (| tee, then Ctrl-C) does not stop the shutdown', async () => {
    const repo = join(dir.path, 'node')
    const d = await daemon(repo)
    // what `cpnet daemon 2>&1 | tee log` sees when Ctrl-C ends tee: every later write fails with EPIPE
    await Promise.all([d.child.stdout, d.child.stderr].map(async stream => new Promise(resolve => { stream?.once('close', resolve).destroy() })))
    d.child.kill('SIGINT')
    expect(await d.exited).toBe(0)
    const layout = repoLayout(repo)
    expect(existsSync(layout.api)).toBe(false)
    expect(existsSync(layout.lock)).toBe(false)
  })

  it('one Ctrl-C heard twice at once (the terminal and npm both pass it on) stops the daemon gracefully', async () => {
    const repo = join(dir.path, 'node')
    const d = await daemon(repo)
    // the stop waits for this call, so the second signal comes while it is still under way
    await holdCallInFlight(repoLayout(repo).api)
    d.child.kill('SIGINT')
    // a second signal sent before the first is handled would be merged with it by the kernel
    await untilStdout(d, 'shutting down')
    expect(d.stdout()).toContain(`press Ctrl-C again ${SAME_SIGNAL_WINDOW_MS / 1000} s or more after the first`)
    d.child.kill('SIGINT')
    expect(await d.exited).toBe(0)
    expect(d.stderr()).not.toContain('forcing')
    expect(existsSync(repoLayout(repo).lock)).toBe(false)
  })

  it('a second Ctrl-C a while after the first forces the stop, and still removes the api file and the lock', async () => {
    const repo = join(dir.path, 'node')
    const layout = repoLayout(repo)
    const d = await daemon(repo)
    await holdCallInFlight(layout.api)
    d.child.kill('SIGINT')
    await untilStdout(d, 'shutting down')
    // a person pressing Ctrl-C again; the daemon's stop still waits for the call (up to DRAIN_TIMEOUT_MS)
    await new Promise(resolve => setTimeout(resolve, SAME_SIGNAL_WINDOW_MS + 100))
    expect(d.child.exitCode).toBeNull()
    d.child.kill('SIGINT')
    expect(await d.exited).toBe(1)
    expect(d.stderr()).toContain('forcing shutdown')
    expect(existsSync(layout.api)).toBe(false)
    expect(existsSync(layout.lock)).toBe(false)
  })

  it('a stale api file (its daemon was killed) gives "no daemon is running", not a connection error', async () => {
    const repo = join(dir.path, 'node')
    const d = await daemon(repo)
    d.child.kill('SIGKILL')
    await d.exited
    const layout = repoLayout(repo)
    expect(existsSync(layout.api)).toBe(true)
    const res = await runCli(['--repo', repo, 'status'])
    expect(res.code).toBe(1)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toMatch(new RegExp(`^cpnet: no daemon is running for repo ${repo} \\(its api file is left from a daemon that stopped`))
    expect(res.stderr).not.toContain('ECONNREFUSED')
  })

  it('an api file whose lock pid was handed to another process since (a reboot) still gives "no daemon is running"', async () => {
    const repo = join(dir.path, 'node')
    const layout = repoLayout(repo)
    const d = await daemon(repo)
    const url = readFileSync(layout.api, 'utf8').trim()
    d.child.kill('SIGKILL')
    await d.exited
    // nobody listens at the killed daemon's port any more; the lock now names a live pid that is no daemon: this test's own
    writeFileSync(layout.lock, `${process.pid}\n`)
    const res = await runCli(['--repo', repo, 'status'])
    expect(res.code).toBe(1)
    expect(res.stderr.trim()).toBe(`cpnet: no daemon is running for repo ${repo} (nothing listens at ${url}, the address in its api file; start one with: cpnet daemon --repo ${repo})`)
  })

  // `npm start` builds first (the build is most of this test's time); a supervisor signals the npm process it started
  it('SIGTERM sent to `npm start` stops the daemon it runs and frees the repo', { timeout: 180_000 }, async () => {
    const repo = join(dir.path, 'node')
    expect((await runCli(['--repo', repo, 'init', '--profile', 'test'])).code).toBe(0)
    const layout = repoLayout(repo)
    const npm = await spawnUntilReady('npm', ['start'], { cwd: PROJECT_ROOT, env: cleanEnv({ [REPO_ENV]: repo }) }, 170_000)
    started.push(npm)
    expect(npm.stdout()).toContain('Daemon is ready')
    const daemonPid = Number(readFileSync(layout.lock, 'utf8').trim())
    try {
      npm.child.kill('SIGTERM')
      expect(await npm.exited).toBe(0)
      await waitFor('the daemon under npm start to exit', () => !isRunning(daemonPid))
      expect(existsSync(layout.lock)).toBe(false)
      expect(existsSync(layout.api)).toBe(false)
    } finally {
      if (isRunning(daemonPid)) process.kill(daemonPid, 'SIGKILL')
    }
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
    const peerId = addr.split('/p2p/')[1] as string
    const peers = await runCli(['--repo', b, 'peers'])
    expect(peers.stdout).toMatch(/^PEER\s+CONNECTED/)
    // short in the table, whole with --wide
    expect(peers.stdout).toContain(`${peerId.slice(0, 4)}…${peerId.slice(-4)}`)
    expect((await runCli(['--repo', b, '--wide', 'peers'])).stdout).toContain(peerId)
    const bad = await runCli(['--repo', b, 'connect', 'nonsense'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^cpnet: Invalid params: \/multiaddr: not a multiaddr/)
  })
})
