/**
 * What people and scripts read from the CLI, on two daemon processes: tables
 * within 80 columns with short CPIs (full with --wide and in --json), GPU
 * memory in GiB or with its unit, one duration syntax, and --json errors as
 * {"error": {"code", "message"}} on stdout with exit 1.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killDaemon, runCli, spawnDaemon, type DaemonProcess } from '../helpers/cli.ts'
import { tempDir } from '../helpers/daemons.ts'
import { TABLE_COLUMNS } from '../../src/cli/output.ts'

const MODEL = 'NVIDIA H100 80GB HBM3'

function lines (text: string): string[] {
  return text.split('\n').filter(l => l !== '')
}

describe('cpnet output: tables, units, durations, --json errors', () => {
  const dir = tempDir()
  const provider = join(dir.path, 'provider')
  const consumer = join(dir.path, 'consumer')
  const started: DaemonProcess[] = []
  let cpi: string
  let leaseId: string

  beforeAll(async () => {
    const p = await spawnDaemon(['--repo', provider, '--profile', 'test'])
    started.push(p, await spawnDaemon(['--repo', consumer, '--profile', 'test']))
    const addr = /^Swarm listening on (\S+)$/m.exec(p.stdout())?.[1] as string
    expect((await runCli(['--repo', consumer, 'connect', addr])).code).toBe(0)
  })
  afterAll(async () => {
    await Promise.all(started.map(killDaemon))
    dir.remove()
  })

  it('--gpu-memory takes GiB or a value with its unit, and refuses an implausible one', async () => {
    const add = await runCli(['--repo', provider, '--json', 'provider', 'add', 'h100-sxm', '--model', MODEL, '--gpus', '8', '--gpu-memory', '80', '--price', '2.5'])
    expect(add.code).toBe(0)
    const pool = JSON.parse(add.stdout) as { cpi: string, gpuMemoryMib: number }
    cpi = pool.cpi
    expect(pool.gpuMemoryMib).toBe(80 * 1024)
    const withUnit = await runCli(['--repo', provider, '--json', 'provider', 'add', 'h100-pcie', '--model', MODEL, '--gpus', '2', '--gpu-memory', '81559MiB'])
    expect((JSON.parse(withUnit.stdout) as { gpuMemoryMib: number }).gpuMemoryMib).toBe(81559)
    const tiny = await runCli(['--repo', provider, 'provider', 'add', 'tiny', '--model', MODEL, '--gpus', '1', '--gpu-memory', '0.5'])
    expect(tiny.code).toBe(1)
    expect(tiny.stderr).toMatch(/^cpnet: option '--gpu-memory <GiB>' argument '0\.5' is invalid\. 0\.5 is less than 1 GiB per GPU/)
  })

  it('--json: a failed command prints {"error": {"code", "message"}} on stdout and exits 1', async () => {
    const unknown = await runCli(['--repo', consumer, '--json', 'lease', 'show', '0123456789abcdef0123456789abcdef'])
    expect(unknown.code).toBe(1)
    const body = JSON.parse(unknown.stdout) as { error: { code: unknown, message: string } }
    expect(body.error.code).toEqual(expect.any(Number))
    expect(body.error.message).toContain('0123456789abcdef0123456789abcdef')
    expect(unknown.stderr).toBe('')
    const usage = await runCli(['--repo', consumer, '--json', 'lease', 'request', '--cpi', cpi, '--gpus', '1', '--duration', 'soon', '--max-price', '3'])
    expect([usage.code, JSON.parse(usage.stdout)]).toEqual([1, { error: { code: 'CPNET_USAGE', message: expect.stringContaining('not a duration: "soon"') } }])
    // prices and counts are refused by the command line's parsers, as durations are
    const refused = [
      ['lease', 'request', '--cpi', cpi, '--gpus', '1', '--duration', '1h', '--max-price', 'cheap'],
      ['lease', 'request', '--cpi', cpi, '--gpus', '1', '--duration', '1h', '--max-price', '3', '--bid', '2.0000001'],
      ['lease', 'request', '--cpi', cpi, '--gpus', 'two', '--duration', '1h', '--max-price', '3'],
      ['lease', 'request', '--cpi', cpi, '--gpus', '0', '--duration', '1h', '--max-price', '3'],
      ['provider', 'add', 'bad', '--model', MODEL, '--gpus', '1', '--gpu-memory', '80', '--price', 'free'],
      ['provider', 'add', 'bad', '--model', MODEL, '--gpus', '1', '--gpu-memory', '80', '--floor', '1.2.3'],
      ['provider', 'add', 'bad', '--model', MODEL, '--gpus', '1.5', '--gpu-memory', '80'],
      ['provider', 'add', 'bad', '--model', MODEL, '--gpus', '1', '--gpu-memory', '80', '--ram', 'lots'],
      ['provider', 'set-price', 'h100-sxm', 'cheap']
    ]
    for (const args of refused) {
      const r = await runCli(['--repo', consumer, '--json', ...args])
      expect([r.code, (JSON.parse(r.stdout) as { error: { code: string } }).error.code], args.join(' ')).toEqual([1, 'CPNET_USAGE'])
    }
    const noDaemon = await runCli(['--repo', join(dir.path, 'none'), '--json', 'status'])
    expect([noDaemon.code, (JSON.parse(noDaemon.stdout) as { error: { code: string } }).error.code]).toEqual([1, 'CPNET_NO_DAEMON'])
  })

  it('--duration and --extend take 1h30m and 90s', async () => {
    const request = await runCli(['--repo', consumer, '--json', 'lease', 'request', '--cpi', cpi, '--gpus', '1', '--duration', '1h30m', '--max-price', '3'])
    expect(request.code).toBe(0)
    const { lease } = JSON.parse(request.stdout) as { lease: { leaseId: string, start: number, end: number } }
    leaseId = lease.leaseId
    expect(lease.end - lease.start).toBe(5_400_000)
    const renew = await runCli(['--repo', consumer, '--json', 'lease', 'renew', leaseId, '--extend', '90s'])
    const renewed = JSON.parse(renew.stdout) as { start: number, end: number }
    expect(renewed.end - renewed.start).toBe(5_490_000)
  })

  it('every table fits 80 columns with short CPIs and lease ids; --wide shows them in full', async () => {
    const peerId = /^cpi:([^/]+)\//.exec(cpi)?.[1] as string
    const short = `${peerId.slice(0, 4)}…${peerId.slice(-4)}/h100-sxm`
    const tables = [
      ['--repo', consumer, 'offers', 'search', 'model=h100'],
      ['--repo', consumer, 'offers', 'get', cpi],
      ['--repo', provider, 'provider', 'leases'],
      ['--repo', consumer, 'lease', 'list'],
      ['--repo', provider, 'prices', 'latest'],
      ['--repo', provider, 'offers', 'search']
    ]
    for (const args of tables) {
      const r = await runCli(args)
      expect(r.code, args.join(' ')).toBe(0)
      for (const line of lines(r.stdout)) expect(line.length, `${args.join(' ')}: ${line}`).toBeLessThanOrEqual(TABLE_COLUMNS)
      expect(r.stdout, args.join(' ')).not.toContain(`cpi:${peerId}`)
      expect(r.stdout, args.join(' ')).toMatch(new RegExp(`${peerId.slice(0, 4)}…`))
      const wide = await runCli(['--wide', ...args])
      expect(wide.stdout, `--wide ${args.join(' ')}`).toContain(`cpi:${peerId}/`)
    }
    expect((await runCli(['--repo', consumer, 'offers', 'search', 'model=h100'])).stdout).toContain(short)
    // the provider's own offers are marked: lease request --filter passes them over
    const own = (await runCli(['--repo', provider, 'offers', 'search', 'model=h100'])).stdout
    expect(own).toContain(`${short} *`)
    expect(own).toMatch(/^\* this node's own offer: lease request --filter passes it over$/m)
    expect((await runCli(['--repo', consumer, 'offers', 'search', 'model=h100'])).stdout).not.toContain('own offer')
    // peers: the PeerId short unless --wide
    const peers = await runCli(['--repo', consumer, 'peers'])
    for (const line of lines(peers.stdout)) expect(line.length, line).toBeLessThanOrEqual(TABLE_COLUMNS)
    expect(peers.stdout).toMatch(new RegExp(`^${peerId.slice(0, 4)}…${peerId.slice(-4)}\\s+yes\\s`, 'm'))
    expect((await runCli(['--repo', consumer, '--wide', 'peers'])).stdout).toContain(peerId)
    // the pools table leaves the CPI (this node's PeerId and the name) to --wide
    const pools = await runCli(['--repo', provider, 'provider', 'pools'])
    for (const line of lines(pools.stdout)) expect(line.length, line).toBeLessThanOrEqual(TABLE_COLUMNS)
    expect(pools.stdout).toMatch(/^h100-sxm\s+rpc\s+NVIDIA/m)
    expect((await runCli(['--repo', provider, '--wide', 'provider', 'pools'])).stdout).toContain(cpi)
    // the lease id's start, as lease list shows it, is what lease show takes
    const listed = (await runCli(['--repo', consumer, 'lease', 'list'])).stdout
    expect(listed).toMatch(new RegExp(`^As consumer:\\nLEASE .*\\n${leaseId.slice(0, 8)}\\s+active`, 'm'))
    expect(listed).not.toContain(leaseId)
    expect((await runCli(['--repo', consumer, 'lease', 'show', leaseId.slice(0, 8)])).stdout).toMatch(new RegExp(`^Lease:\\s+${leaseId}$`, 'm'))
    // repo check, on a repo no daemon has opened yet: its databases are "new"
    const fresh = join(dir.path, 'fresh')
    expect((await runCli(['--repo', fresh, 'init', '--profile', 'test'])).code).toBe(0)
    const check = await runCli(['--repo', fresh, 'repo', 'check'])
    expect(check.stdout).toMatch(/^\S+\s+new\s+empty: the daemon creates it on its first start$/m)
    for (const line of lines(check.stdout).slice(1)) expect(line.length, line).toBeLessThanOrEqual(TABLE_COLUMNS)
    const none = await runCli(['--repo', consumer, 'lease', 'show', 'ffffffff'])
    expect([none.code, none.stderr]).toEqual([1, 'cpnet: no lease on this node has an id starting with ffffffff\n'])
  })
})
