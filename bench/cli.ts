/**
 * CLI start-up: how long `cpnet` takes from exec to exit, run as a user runs
 * it (the built entry straight under this Node, no npm or npx in between),
 * RUNS times each: `--version` (nothing but the program's definitions), and
 * `status` against a daemon started for the run in a temporary repo with the
 * test profile (one RPC round trip on top). A bare `node -e 0` is the floor
 * no command can go under. Goals: `--version` <= 150 ms, `status` <= 300 ms.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../src/package.ts'
import { percentile, printTable, round } from './stats.ts'

const RUNS = 20
const CLI_ENTRY = join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'index.js')
const READY_TIMEOUT_MS = 60_000
const GOAL_MS: Record<string, number> = { '--version': 150, status: 300 }

export interface CliRow {
  command: string
  runs: number
  p50Ms: number
  p99Ms: number
  minMs: number
  goalMs?: number
}

/** Wall time of each of RUNS runs; a run that fails stops the benchmark (a fast error is not a start-up time). */
function time (args: string[]): number[] {
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, CPNET_API: '', CPNET_REPO: '' } })
    samples.push(performance.now() - t0)
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${String(run.status)}: ${run.stderr.trim()}`)
  }
  return samples
}

/** A daemon on a fresh repo, resolved once it prints `Daemon is ready`. */
async function startDaemon (repo: string): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, [CLI_ENTRY, 'daemon', '--repo', repo, '--profile', 'test'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<void>(resolve => { child.once('exit', () => { resolve() }) })
  let out = ''
  let err = ''
  child.stderr.on('data', c => { err += String(c) })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`the daemon was not ready within ${READY_TIMEOUT_MS} ms`)) }, READY_TIMEOUT_MS)
    child.stdout.on('data', c => {
      out += String(c)
      if (out.includes('Daemon is ready')) { clearTimeout(timer); resolve() }
    })
    void exited.then(() => { clearTimeout(timer); reject(new Error(`the daemon exited before it was ready: ${err.trim()}`)) })
  })
  return async () => {
    child.kill('SIGTERM')
    await exited
  }
}

function row (command: string, samples: number[]): CliRow {
  return {
    command,
    runs: samples.length,
    p50Ms: round(percentile(samples, 50)),
    p99Ms: round(percentile(samples, 99)),
    minMs: round(Math.min(...samples)),
    ...(GOAL_MS[command] != null ? { goalMs: GOAL_MS[command] } : {})
  }
}

export async function runCli (log: (line: string) => void): Promise<{ rows: CliRow[], table: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cpnet-bench-cli-'))
  const repo = join(dir, 'repo')
  const rows: CliRow[] = []
  try {
    rows.push(row('node -e 0', time(['-e', '0'])))
    rows.push(row('--version', time([CLI_ENTRY, '--version'])))
    log('cli: starting a daemon for status')
    const stop = await startDaemon(repo)
    try {
      rows.push(row('status', time([CLI_ENTRY, '--repo', repo, 'status'])))
    } finally {
      await stop()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const table = printTable(['COMMAND', 'RUNS', 'P50', 'P99', 'MIN', 'GOAL'], rows.map(r => [
    r.command, r.runs, r.p50Ms, r.p99Ms, r.minMs, r.goalMs != null ? `<= ${r.goalMs}${r.p50Ms <= r.goalMs ? '' : ' MISSED'}` : '-'
  ]))
  return { rows, table }
}
