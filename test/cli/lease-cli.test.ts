/** Two daemons started as processes, leased between with the CLI, as a user would. */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killDaemon, runCli, spawnDaemon, type DaemonProcess } from '../helpers/cli.ts'
import { tempDir } from '../helpers/daemons.ts'

describe('cpnet lease between two daemon processes', () => {
  const dir = tempDir()
  const provider = join(dir.path, 'provider')
  const consumer = join(dir.path, 'consumer')
  const started: DaemonProcess[] = []
  let cpi: string

  beforeAll(async () => {
    const p = await spawnDaemon(['--repo', provider, '--profile', 'test'])
    started.push(p, await spawnDaemon(['--repo', consumer, '--profile', 'test']))
    const add = await runCli(['--repo', provider, '--json', 'provider', 'add', 'h100', '--model', 'NVIDIA H100 80GB HBM3', '--gpus', '8', '--gpu-memory', '81559MiB', '--price', '2.5', '--floor', '2'])
    expect(add.code).toBe(0)
    cpi = (JSON.parse(add.stdout) as { cpi: string }).cpi
    const addr = /^Swarm listening on (\S+)$/m.exec(p.stdout())?.[1] as string
    expect((await runCli(['--repo', consumer, 'connect', addr])).code).toBe(0)
  })
  afterAll(async () => {
    await Promise.all(started.map(killDaemon))
    dir.remove()
  })

  it('requests a lease that lease list shows on both sides, then renews and releases it', async () => {
    const request = await runCli(['--repo', consumer, '--json', 'lease', 'request', '--cpi', cpi, '--gpus', '2', '--duration', '30m', '--max-price', '3 USD', '--bid', '2.2'])
    expect(request.stderr).toBe('')
    const { lease } = JSON.parse(request.stdout) as { lease: { leaseId: string, price: { microsPerGpuHour: number } } }
    expect(lease.price.microsPerGpuHour).toBe(2_200_000)

    const onConsumer = await runCli(['--repo', consumer, 'lease', 'list'])
    const onProvider = await runCli(['--repo', provider, 'lease', 'list'])
    // one table per role, headed by it
    expect(onConsumer.stdout).toMatch(new RegExp(`^As consumer:\\nLEASE .*\\n${lease.leaseId.slice(0, 8)}\\s+active\\s+2\\s+2\\.2 USD\\s+in \\d+m\\d+s\\s+-\\s+12D3…\\w{4}/h100$`, 'm'))
    expect(onProvider.stdout).toMatch(new RegExp(`^As provider:\\nLEASE .*\\n${lease.leaseId.slice(0, 8)}\\s+active\\s+2\\s+2\\.2 USD`, 'm'))

    const show = await runCli(['--repo', consumer, 'lease', 'show', lease.leaseId])
    expect(show.stdout).toMatch(/^Status:\s+active$/m)
    const renew = await runCli(['--repo', consumer, 'lease', 'renew', lease.leaseId, '--extend', '10m'])
    expect(renew.stdout).toMatch(/^Version:\s+2$/m)
    const usage = await runCli(['--repo', provider, 'provider', 'leases'])
    expect(usage.stdout).toMatch(/^h100\s+8\s+2\s+0\s+6$/m)
    const release = await runCli(['--repo', consumer, 'lease', 'release', lease.leaseId])
    expect(release.stdout).toMatch(/^Status:\s+released$/m)
    // an ended lease says when and why, what it used and what it owes
    for (const repo of [consumer, provider]) {
      const ended = (await runCli(['--repo', repo, 'lease', 'show', lease.leaseId])).stdout
      expect(ended).toMatch(/^Ended:\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(released by the consumer\)$/m)
      expect(ended).toMatch(/^GPU-hours:\s+0\.\d+$/m)
      expect(ended).toMatch(/^Amount due:\s+0\.\d+ USD$/m)
      // the table keeps END, DUE and the CPI whole within 80 columns
      const listed = (await runCli(['--repo', repo, 'lease', 'list'])).stdout
      expect(listed).toMatch(new RegExp(`^${lease.leaseId.slice(0, 8)}\\s+released\\s+2\\s+2\\.2 USD\\s+\\S+ ago\\s+0\\.\\d+ USD\\s+12D3…\\w{4}/h100$`, 'm'))
      for (const line of listed.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80)
    }
    expect((await runCli(['--repo', provider, 'provider', 'leases'])).stdout).toMatch(new RegExp(`^As provider:\\nLEASE .*\\n${lease.leaseId.slice(0, 8)}\\s+released\\s+2\\s+2\\.2 USD\\s+\\S+ ago\\s+0\\.\\d+ USD\\s+12D3…\\w{4}/h100$`, 'm'))
    expect((await runCli(['--repo', provider, 'provider', 'leases'])).stdout).toMatch(/^h100\s+8\s+0\s+0\s+8$/m)
  })

  it('leases at a price set below the floor, and refuses a floor above the price', async () => {
    expect((await runCli(['--repo', provider, 'provider', 'set-price', 'h100', '1.9'])).stdout).toContain('now at 1.9 USD/GPU-h')
    // the floor (2) followed the price down
    expect((await runCli(['--repo', provider, 'provider', 'pools'])).stdout).toMatch(/^h100\s+rpc\s+.*\s1\.9 USD\s+1\.9\s/m)
    const request = await runCli(['--repo', consumer, '--json', 'lease', 'request', '--cpi', cpi, '--gpus', '1', '--duration', '30m', '--max-price', '1.9'])
    expect(request.code).toBe(0)
    const { lease } = JSON.parse(request.stdout) as { lease: { leaseId: string, price: { perGpuHour: string } } }
    expect(lease.price.perGpuHour).toBe('1.9')
    expect((await runCli(['--repo', consumer, 'lease', 'release', lease.leaseId])).code).toBe(0)
    expect((await runCli(['--repo', provider, 'provider', 'set-price', 'h100', '2.5'])).code).toBe(0)

    const refused = await runCli(['--repo', provider, 'provider', 'add', 'gpu-a', '--model', 'NVIDIA H100 80GB HBM3', '--gpus', '1', '--gpu-memory', '80', '--price', '2', '--floor', '3'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/floorMicrosPerGpuHour: pool "gpu-a": the floor 3 USD\/GPU-h is above the price 2 USD\/GPU-h/)
    expect((await runCli(['--repo', provider, 'provider', 'pools'])).stdout).not.toContain('gpu-a')
  })

  it('says why in one line when the provider refuses or the input is wrong', async () => {
    const tooMany = await runCli(['--repo', consumer, 'lease', 'request', '--cpi', cpi, '--gpus', '9', '--duration', '1h', '--max-price', '3'])
    expect(tooMany.code).toBe(1)
    expect(tooMany.stderr).toMatch(/^cpnet: NO_CAPACITY: pool h100 has 8 GPUs in all\n$/)
    const badPrice = await runCli(['--repo', consumer, 'lease', 'request', '--cpi', cpi, '--gpus', '1', '--duration', '1h', '--max-price', 'cheap'])
    expect(badPrice.code).toBe(1)
    expect(badPrice.stderr).toMatch(/^cpnet: option '--max-price <price>' argument 'cheap' is invalid\. "cheap" is not a price/)
    const below = await runCli(['--repo', consumer, 'lease', 'request', '--cpi', cpi, '--gpus', '1', '--duration', '1h', '--max-price', '1.5'])
    expect(below.code).toBe(1)
    expect(below.stderr).toMatch(/^cpnet: PRICE: the most you pay \(1\.5 USD\/GPU-h\) is below what this pool is leased for\n$/)
    const unknown = await runCli(['--repo', consumer, 'lease', 'show', '0123456789abcdef0123456789abcdef'])
    expect(unknown.stderr).toMatch(/^cpnet: no lease 0123456789abcdef0123456789abcdef on this node\n$/)
  })
})
