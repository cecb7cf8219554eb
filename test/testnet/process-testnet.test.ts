/**
 * The process testnet end to end, through the built CLI (`npm test` builds
 * first): real daemon processes on loopback with OS-chosen ports, in a temp
 * directory. Every process is stopped in teardown, even after a failed
 * assertion: `down`, then SIGKILL for anything still running from that
 * directory.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listProcesses, signalNode } from '../../src/testnet/processes.ts'
import type { TestnetStatus } from '../../src/testnet/status.ts'
import type { TestnetState } from '../../src/testnet/state.ts'
import { CLI_ENTRY, cleanEnv, runCli, type CliResult } from '../helpers/cli.ts'
import { tempDir, waitFor } from '../helpers/daemons.ts'

/** Below vitest's 60 s, so a start that hangs fails with up's own message. */
const UP_TIMEOUT_S = '40'
const RUN_TIMEOUT_MS = 50_000

async function cpnet (...args: string[]): Promise<CliResult> {
  return runCli(args, cleanEnv(), RUN_TIMEOUT_MS)
}

/** Processes still running (zombies are not) with this directory on their command line. */
function runningUnder (dir: string): number[] {
  return listProcesses().filter(p => p.args.includes(dir)).map(p => p.pid)
}

function killAll (pids: number[]): void {
  for (const pid of pids) {
    try { signalNode(pid, 'SIGKILL') } catch {}
  }
}

describe('process testnet (real daemons on loopback)', () => {
  let dir: ReturnType<typeof tempDir>
  const testnet = async (...args: string[]): Promise<CliResult> => cpnet('testnet', ...args, '--dir', dir.path)
  const status = async (): Promise<TestnetStatus> => {
    const run = await testnet('status', '--json')
    expect(run.code, run.stderr).toBe(0)
    return JSON.parse(run.stdout) as TestnetStatus
  }

  beforeEach(() => { dir = tempDir('cpnet-testnet-') })
  afterEach(async () => {
    await testnet('down')
    killAll(runningUnder(dir.path))
    dir.remove()
  })

  it('starts five nodes, reports them all running and connected, and stops every process', async () => {
    const up = await testnet('up', '--providers', '3', '--consumers', '2', '--timeout', UP_TIMEOUT_S)
    expect(up.code, up.stderr).toBe(0)
    const names = ['provider-1', 'provider-2', 'provider-3', 'consumer-1', 'consumer-2']
    for (const name of names) expect(up.stdout).toContain(name)

    const before = await status()
    expect(before.status).toBe('up')
    expect(before.nodes.map(n => [n.name, n.role])).toEqual(names.map(n => [n, n.split('-')[0]]))
    for (const node of before.nodes) {
      expect(node.alive, node.name).toBe(true)
      expect(node.peers, node.name).toBeGreaterThanOrEqual(1)
      expect(node.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    }
    // the bootstrap node sees all four others
    expect(before.nodes[0]?.peers).toBe(4)
    expect(new Set(before.nodes.map(n => n.peerId)).size).toBe(5)
    expect(new Set(before.nodes.map(n => n.rpcUrl)).size).toBe(5)

    // each node is an ordinary daemon: the client commands work on its repo
    const consumer = before.nodes[4]
    const nodeStatus = await cpnet('--repo', consumer?.repo ?? '', '--json', 'status')
    expect(nodeStatus.code, nodeStatus.stderr).toBe(0)
    expect((JSON.parse(nodeStatus.stdout) as { info: { peerId: string } }).info.peerId).toBe(consumer?.peerId)

    // providers carry the sample inventories; a consumer leases from one across processes
    expect(before.nodes.map(n => [...(n.pools ?? [])].sort())).toEqual([['h100-sxm', 'l40s'], ['h200'], ['a100-40g', 'a100-80g'], [], []])
    const repo = consumer?.repo ?? ''
    await waitFor('the consumer to find the L40S offer', async () => {
      const found = await cpnet('--repo', repo, '--json', 'offers', 'search', 'model=l40s', '--no-cache')
      return found.code === 0 && (JSON.parse(found.stdout) as { offers: unknown[] }).offers.length === 1
    })
    const lease = await cpnet('--repo', repo, '--json', 'lease', 'request', '--filter', 'model=l40s', '--gpus', '2', '--duration', '30m', '--max-price', '7 CNY')
    expect(lease.code, lease.stderr).toBe(0)
    const { leaseId } = (JSON.parse(lease.stdout) as { lease: { leaseId: string } }).lease
    const onProvider = await cpnet('--repo', before.nodes[0]?.repo ?? '', '--json', 'lease', 'list')
    expect((JSON.parse(onProvider.stdout) as Array<{ leaseId: string, role: string, status: string }>).find(l => l.leaseId === leaseId))
      .toMatchObject({ role: 'provider', status: 'active' })

    const log = await testnet('logs', 'provider-2')
    expect(log.code, log.stderr).toBe(0)
    expect(log.stdout).toContain('Daemon is ready')
    const unknown = await testnet('logs', 'provider-9')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('has no node "provider-9"')

    const again = await testnet('up', '--providers', '1', '--consumers', '0')
    expect(again.code).toBe(1)
    expect(again.stderr.trim().split('\n')).toHaveLength(1)
    expect(again.stderr).toContain('already running')

    const down = await testnet('down')
    expect(down.code, down.stderr).toBe(0)
    expect(down.stdout).toContain('stopped 5 nodes')
    const pids = before.nodes.map(n => n.pid)
    expect(listProcesses().filter(p => pids.includes(p.pid) && p.args.includes(dir.path))).toEqual([])
    expect(runningUnder(dir.path)).toEqual([])

    const after = await status()
    expect(after.status).toBe('down')
    expect(after.nodes.filter(n => n.alive)).toEqual([])
    const twice = await testnet('down')
    expect(twice.code).toBe(0)
    expect(twice.stdout).toContain('was running')
  })

  it('down stops the other nodes after one was killed', async () => {
    const up = await testnet('up', '--providers', '2', '--consumers', '1', '--timeout', UP_TIMEOUT_S)
    expect(up.code, up.stderr).toBe(0)
    const victim = (await status()).nodes[1]
    expect(victim?.name).toBe('provider-2')
    process.kill(victim?.pid ?? 0, 'SIGKILL')
    await waitFor('status to see provider-2 gone', async () => (await status()).nodes[1]?.alive === false)

    const down = await testnet('down')
    expect(down.code, down.stderr).toBe(0)
    expect(down.stdout).toContain('stopped 2 nodes')
    expect(down.stdout).toContain('not running: provider-2')
    expect(runningUnder(dir.path)).toEqual([])
  })

  it('down stops the nodes of an up that was killed midway', async () => {
    const up = spawn(process.execPath, [CLI_ENTRY, 'testnet', 'up', '--providers', '3', '--consumers', '2', '--dir', dir.path], { env: cleanEnv(), stdio: 'ignore' })
    const stateFile = `${dir.path}/testnet.json`
    await waitFor('up to record a node pid', () =>
      existsSync(stateFile) && (JSON.parse(readFileSync(stateFile, 'utf8')) as TestnetState).nodes.some(n => n.pid != null))
    up.kill('SIGKILL')
    await new Promise(resolve => up.once('exit', resolve))

    const orphaned = await status()
    expect(orphaned.status).toBe('interrupted')
    expect(orphaned.nodes[0]?.alive).toBe(true)

    const down = await testnet('down')
    expect(down.code, down.stderr).toBe(0)
    expect(runningUnder(dir.path)).toEqual([])
    expect((await status()).nodes.filter(n => n.alive)).toEqual([])
  })
})
