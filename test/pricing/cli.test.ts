/**
 * `cpnet prices watch` and `cpnet provider set-price` as a user runs them: a
 * daemon in this process, the CLI as a real child process reading its repo.
 * The live table on a terminal is checked in-process with a fake terminal.
 */
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DaemonPool, waitFor, type TestDaemon } from '../helpers/daemons.ts'
import { cleanEnv, killCli, runCli, spawnCli, type LiveCli } from '../helpers/cli.ts'
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

  it('on a terminal, a table redrawn in place, cut to the terminal\'s width', async () => {
    const out = Object.assign(new PassThrough(), { columns: 100 })
    let text = ''
    out.on('data', c => { text += String(c) })
    const controller = new AbortController()
    const watching = watchPrices({ endpoint: { url: d.rpcUrl }, filter: 'gpus>=1', json: false, out, signal: controller.signal })
    await waitFor('a first table', () => text.includes('h100') && text.includes('l40s'), 20_000)
    await d.admin.call('provider_setPrice', { pool: 'h100', price: usd(2.05) })
    await waitFor('a redrawn table', () => text.includes('2.05 USD'), 20_000)
    controller.abort()
    await watching
    const frames = text.split(/\x1b\[\d+F\x1b\[0J/)
    expect(frames.length).toBeGreaterThan(1)
    expect(Math.max(...text.split(/\n|\x1b\[\d+F\x1b\[0J/).map(l => l.length))).toBeLessThan(100)
    expect(frames[0]).toMatch(/^prices matching "gpus>=1": 2 live/)
    expect(frames[0]).toMatch(/CLASS\s+REGION\s+FREE\/TOTAL\s+PRICE\/GPU-H\s+AGE\s+CPI/)
    expect(frames.at(-1)).toMatch(/gpu\/nvidia\/h100-80gb-hbm3\s+cn-east-1\s+8\/8\s+2\.05 USD\s+\d+s\s+cpi:12D3KooW/)
  })

  it('an unreachable daemon is one error line and exit 1', async () => {
    const r = await runCli(['--api', 'http://127.0.0.1:9', 'prices', 'watch'], cleanEnv())
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cpnet: cannot reach the daemon at ws:\/\/127\.0\.0\.1:9\/?: .*ECONNREFUSED/)])
  })

  it('a daemon that goes away mid-stream ends the watch with an error', async () => {
    const other = await pool.start()
    const cli = spawnCli(['--repo', other.repoPath, '--json', 'prices', 'watch'])
    clis.push(cli)
    await other.admin.call('provider_addPool', H100)
    await waitFor('an update', () => cli.lines().length > 0, 20_000)
    await other.stop()
    expect(await cli.exited).toBe(1)
    expect(cli.stderr()).toMatch(/^cpnet: the daemon closed the connection \(1001 server shutting down\)\n$/)
  })

  it('provider set-price takes "2.5 USD", a bare number in the pool\'s own currency, and refuses nonsense', async () => {
    const cli = (...args: string[]) => runCli(['--repo', d.repoPath, ...args])
    expect((await cli('provider', 'set-price', 'h100', '2.75 usd')).stdout).toContain('now at 2.75 USD/GPU-h')
    expect((await cli('provider', 'set-price', 'l40s', '6.25')).stdout).toContain('now at 6.25 CNY/GPU-h')
    expect((await cli('provider', 'set-price', 'l40s', '0.5', 'USD')).stdout).toContain('now at 0.5 USD')
    const bad = await cli('provider', 'set-price', 'h100', 'cheap')
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/^cpnet: "cheap" is not a price/)])
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
