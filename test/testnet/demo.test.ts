/** `npm run demo` as a user runs it: every step printed, the right outcomes, nothing left running. */
import { afterAll, describe, expect, it } from 'vitest'
import { listProcesses } from '../../src/testnet/processes.ts'
import { sshdMissing } from '../../src/testnet/sshd.ts'
import { cleanEnv, runCli } from '../helpers/cli.ts'
import { tempDir } from '../helpers/daemons.ts'

describe('cpnet testnet demo', () => {
  const dir = tempDir('cpnet-demo-test-')
  afterAll(async () => {
    await runCli(['testnet', 'down', '--dir', dir.path])
    dir.remove()
  })

  it('searches, sees a price change, leases, runs a command over SSH on the leased GPUs and releases on a fresh testnet, then stops it', async () => {
    const missing = sshdMissing()
    if (missing != null && process.env.CI === 'true') throw new Error(`${missing}, and CI must run the demo's SSH step`)
    const run = await runCli(['testnet', 'demo', '--dir', dir.path], cleanEnv(), 90_000)
    expect(run.code, run.stderr).toBe(0)
    for (let step = 1; step <= 7; step++) expect(run.stdout).toContain(`[${step}/7]`)
    expect(run.stdout.match(/^ {6}\(\d+ ms\)$/gm)).toHaveLength(7)
    expect(run.stdout).toMatch(/5\.8 CNY\/GPU-h → 4\.93 CNY\/GPU-h \(seq \d+\), seen by consumer-2 \d+ ms after it was set/)
    expect(run.stdout).toMatch(/^ {6}at 4\.93 CNY\/GPU-h until \d{4}-/m)
    expect(run.stdout).toMatch(/2 GPUs of cpi:\S+\/l40s/)
    expect(run.stdout).toContain('holds the same bytes: yes')
    if (missing == null) {
      // the two GPUs the lease was given, as the login's environment pins them
      const devices = /2 GPUs of cpi:\S+\/l40s, devices (\d), (\d)/.exec(run.stdout)
      expect(devices).not.toBeNull()
      expect(run.stdout).toMatch(new RegExp(`^ {6}cpdemo[0-9a-f]{12} sees GPUs ${devices?.[1]},${devices?.[2]}$`, 'm'))
      expect(run.stdout).toContain('a login to it is refused now: the provider took its account down')
    } else {
      expect(run.stdout).toContain('skipped: the demo cannot run sshd here')
    }
    expect(run.stdout).toMatch(/: released; /)
    expect(run.stdout).toContain('stopped 6 nodes')
    expect(listProcesses().filter(p => p.args.includes(dir.path))).toEqual([])
  })
})
