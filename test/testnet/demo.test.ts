/** `npm run demo` as a user runs it: every step printed, the right outcomes, nothing left running. */
import { afterAll, describe, expect, it } from 'vitest'
import { listProcesses } from '../../src/testnet/processes.ts'
import { cleanEnv, runCli } from '../helpers/cli.ts'
import { tempDir } from '../helpers/daemons.ts'

describe('cpnet testnet demo', () => {
  const dir = tempDir('cpnet-demo-test-')
  afterAll(async () => {
    await runCli(['testnet', 'down', '--dir', dir.path])
    dir.remove()
  })

  it('searches, sees a price change, leases and releases on a fresh testnet, then stops it', async () => {
    const run = await runCli(['testnet', 'demo', '--dir', dir.path], cleanEnv(), 90_000)
    expect(run.code, run.stderr).toBe(0)
    for (let step = 1; step <= 6; step++) expect(run.stdout).toContain(`[${step}/6]`)
    expect(run.stdout.match(/^ {6}\(\d+ ms\)$/gm)).toHaveLength(6)
    expect(run.stdout).toMatch(/5\.8 CNY\/GPU-h → 4\.93 CNY\/GPU-h \(seq \d+\), seen by consumer-2 \d+ ms after it was set/)
    expect(run.stdout).toMatch(/^ {6}at 4\.93 CNY\/GPU-h until \d{4}-/m)
    expect(run.stdout).toMatch(/2 GPUs of cpi:\S+\/l40s/)
    expect(run.stdout).toContain('holds the same bytes: yes')
    expect(run.stdout).toMatch(/: released; /)
    expect(run.stdout).toContain('stopped 6 nodes')
    expect(listProcesses().filter(p => p.args.includes(dir.path))).toEqual([])
  })
})
