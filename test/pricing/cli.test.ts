/**
 * `cpnet prices watch` and `cpnet provider set-price` as a user runs them: a
 * daemon in this process, the CLI as a real child process reading its repo.
 * The live table on a terminal is checked in-process with a fake terminal.
 */
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { DaemonPool, tempDir, waitFor, type TestDaemon } from '../helpers/daemons.ts'
import { cleanEnv, killCli, killDaemon, runCli, spawnCli, spawnDaemon, type DaemonProcess, type LiveCli } from '../helpers/cli.ts'
import { watchPrices } from '../../src/cli/price-watch.ts'
import { parsePriceText } from '../../src/units/price.ts'
import type { PriceNotification } from '../../src/pricing/subscriptions.ts'
import type { PoolView } from '../../src/rpc/methods/provider/pool-view.ts'

const usd = (units: number) => ({ microsPerGpuHour: Math.round(units * 1_000_000), currency: 'USD' })
const H100 = { name: 'h100', model: 'NVIDIA H100 80GB HBM3', gpus: 8, gpuMemoryMib: 81559, region: 'cn-east-1', price: usd(2.5) }
const L40S = { name: 'l40s', model: 'NVIDIA L40S', gpus: 4, gpuMemoryMib: 46068, price: { microsPerGpuHour: 7_000_000, currency: 'CNY' } }

function updates (cli: LiveCli): PriceNotification[] {
  return cli.lines().map(line => JSON.parse(line) as PriceNotification)
}

describe('cpnet prices watch and provider set-price', () => {
  const pool = new DaemonPool()
  const clis: LiveCli[] = []
  let d: TestDaemon
  beforeAll(async () => {
    d = await pool.start()
    await d.admin.call('provider_addPool', H100)
    await d.admin.call('provider_addPool', L40S)
  })
  afterAll(async () => {
    await Promise.all(clis.map(killCli))
    await pool.cleanup()
  })

  function watch (...args: string[]): LiveCli {
    const cli = spawnCli(['--repo', d.repoPath, ...args])
    clis.push(cli)
    return cli
  }

  it('--json: the live prices that match, then every change, one JSON object per line; Ctrl-C exits 0', async () => {
    const cli = watch('--json', 'prices', 'watch', 'model=h100')
    await waitFor('the h100 from the snapshot', () => updates(cli).some(u => u.pool === 'h100'), 20_000)
    await d.admin.call('provider_setPrice', { pool: 'h100', price: usd(2.2) })
    await d.admin.call('provider_setPrice', { pool: 'l40s', price: { microsPerGpuHour: 6_500_000, currency: 'CNY' } })
    await waitFor('the change', () => updates(cli).some(u => u.price.microsPerGpuHour === 2_200_000), 20_000)
    // the same price again is published with a new seq, but nothing a reader sees changed: no line
    await d.admin.call('provider_setPrice', { pool: 'h100', price: usd(2.2) })
    await d.admin.call('provider_setPrice', { pool: 'h100', price: usd(2.3) })
    await waitFor('the next change', () => updates(cli).some(u => u.price.microsPerGpuHour === 2_300_000), 20_000)
    expect(updates(cli).filter(u => u.price.microsPerGpuHour === 2_200_000)).toHaveLength(1)
    expect(new Set(updates(cli).map(u => [u.pool, u.matches].join()))).toEqual(new Set(['h100,true']))
    const seqs = updates(cli).map(u => u.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    cli.child.kill('SIGINT')
    expect(await cli.exited).toBe(0)
    expect(cli.stderr()).toBe('')
  })

  it('without a terminal it prints JSON lines too', async () => {
    const cli = watch('prices', 'watch')
    await waitFor('both pools', () => new Set(updates(cli).map(u => u.pool)).size === 2, 20_000)
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
  })

  it('on a terminal, a table redrawn in place, cut to the terminal\'s width, changes marked, redrawn from the top after a resize', async () => {
    const out = Object.assign(new PassThrough(), { columns: 100 })
    let text = ''
    out.on('data', c => { text += String(c) })
    const controller = new AbortController()
    const watching = watchPrices({ endpoint: { url: d.rpcUrl }, filter: 'gpus>=1', json: false, out, signal: controller.signal })
    await waitFor('a first table', () => text.includes('h100') && text.includes('l40s'), 20_000)
    await d.admin.call('provider_setPrice', { pool: 'h100', price: usd(2.05) })
    await waitFor('a redrawn table', () => text.includes('2.05 USD'), 20_000)
    const before = text.length
    out.columns = 60
    out.emit('resize')
    await waitFor('a frame after the resize', () => text.length > before)
    controller.abort()
    await watching
    // after a resize the old frame's lines may have wrapped: the screen is cleared and drawn from its top
    expect(text.slice(before)).toMatch(/^\x1b\[2J\x1b\[H/)
    text = text.slice(0, before)
    const frames = text.split(/\x1b\[\d+F\x1b\[0J/)
    expect(frames.length).toBeGreaterThan(1)
    expect(Math.max(...text.split(/\n|\x1b\[\d+F\x1b\[0J/).map(l => l.length))).toBeLessThan(100)
    expect(frames[0]).toMatch(/^prices matching "gpus>=1": 2 live/)
    expect(frames[0]).toMatch(/CLASS\s+REGION\s+FREE\/TOTAL\s+PRICE\/GPU-H\s+AGE\s+CPI/)
    // the changed price: an arrow, the row in reverse video; the CPI short
    expect(frames.at(-1)).toMatch(/\x1b\[7mgpu\/nvidia\/h100-\S*\s+cn-east-1\s+8\/8\s+2\.05 USD ▼\s+\d+s\s+12D3…\w{4}\/h100\x1b\[27m/)
    expect(frames.at(-1)).not.toContain('cpi:')
  })

  it('an unreachable daemon is one error line and exit 1', async () => {
    const r = await runCli(['--api', 'http://127.0.0.1:9', 'prices', 'watch'], cleanEnv())
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cpnet: cannot reach the daemon at ws:\/\/127\.0\.0\.1:9\/?: .*ECONNREFUSED/)])
  })

  it('a daemon that restarts: the watch says so on stderr, reconnects (to its new port) and goes on, repeating nothing', async () => {
    const dir = tempDir()
    const repo = join(dir.path, 'node')
    const daemons: DaemonProcess[] = []
    try {
      daemons.push(await spawnDaemon(['--repo', repo, '--profile', 'test']))
      const add = ['--repo', repo, 'provider', 'add', 'h100', '--model', H100.model, '--gpus', '8', '--gpu-memory', '80', '--price', '2.5']
      expect((await runCli(add)).code).toBe(0)
      const cli = spawnCli(['--repo', repo, '--json', 'prices', 'watch'])
      clis.push(cli)
      await waitFor('the snapshot', () => cli.lines().length > 0, 20_000)
      daemons[0]?.child.kill('SIGTERM')
      await daemons[0]?.exited
      await waitFor('the notice', () => cli.stderr().includes('reconnecting'), 20_000)
      daemons.push(await spawnDaemon(['--repo', repo, '--profile', 'test']))
      await waitFor('the reconnection', () => cli.stderr().includes('cpnet: reconnected'), 20_000)
      expect((await runCli(['--repo', repo, 'provider', 'set-price', 'h100', '2.4'])).code).toBe(0)
      await waitFor('the change after the restart', () => updates(cli).some(u => u.price.microsPerGpuHour === 2_400_000), 20_000)
      // the snapshot after the reconnection had the same 2.5 USD: no second line for it
      expect(updates(cli).map(u => u.price.microsPerGpuHour)).toEqual([2_500_000, 2_400_000])
      expect(cli.stderr()).toMatch(/^cpnet: the daemon closed the connection \(1001 server shutting down\); reconnecting\ncpnet: reconnected\n$/)
      cli.child.kill('SIGINT')
      expect(await cli.exited).toBe(0)
    } finally {
      await Promise.all(daemons.map(killDaemon))
      dir.remove()
    }
  })

  it('provider set-price takes "2.5 USD", a bare number in the pool\'s own currency, and refuses nonsense', async () => {
    const cli = (...args: string[]) => runCli(['--repo', d.repoPath, ...args])
    expect((await cli('provider', 'set-price', 'h100', '2.75 usd')).stdout).toContain('now at 2.75 USD/GPU-h')
    expect((await cli('provider', 'set-price', 'l40s', '6.25')).stdout).toContain('now at 6.25 CNY/GPU-h')
    expect((await cli('provider', 'set-price', 'l40s', '0.5', 'USD')).stdout).toContain('now at 0.5 USD')
    const bad = await cli('provider', 'set-price', 'h100', 'cheap')
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/^cpnet: command-argument value 'cheap' is invalid for argument 'price'\. "cheap" is not a price/)])
    const two = await cli('provider', 'set-price', 'h100', '2 USD', 'CNY')
    expect([two.code, two.stderr]).toEqual([1, 'cpnet: two currencies: USD in the price and CNY after it\n'])
    const unknown = await cli('provider', 'set-price', 'nope', '1 USD')
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('no pool named "nope"')])
    const pools = await d.anonymous.call<PoolView[]>('provider_pools')
    expect(pools.map(p => [p.name, p.price.microsPerGpuHour, p.price.currency])).toEqual([['h100', 2_750_000, 'USD'], ['l40s', 500_000, 'USD']])
  })

  it('reads prices exactly, without floating point', () => {
    expect(parsePriceText('0.000001')).toEqual({ microsPerGpuHour: 1 })
    expect(parsePriceText('2.5 USD')).toEqual({ microsPerGpuHour: 2_500_000, currency: 'USD' })
    expect(parsePriceText('0.29cny')).toEqual({ microsPerGpuHour: 290_000, currency: 'CNY' })
    expect(() => parsePriceText('1.0000001')).toThrow(/at most 6 decimals/)
    expect(() => parsePriceText('-1')).toThrow(/not a price/)
  })
})
