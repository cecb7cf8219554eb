/**
 * `npm run bench [-- scenario...]`: runs the benchmark scenarios (all when
 * none is named), prints each one's table (milliseconds) and writes its
 * results to bench/results/<scenario>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { availableParallelism } from 'node:os'
import { PACKAGE_ROOT, VERSION } from '../src/package.ts'
import { runCli } from './cli.ts'
import { runDelivery } from './delivery.ts'
import { runDiscovery } from './discovery.ts'
import { runLease } from './lease.ts'
import { runPricing } from './pricing.ts'

interface ScenarioResult {
  rows: unknown[]
  table: string
}

const SCENARIOS: Record<string, (log: (line: string) => void) => Promise<ScenarioResult>> = {
  cli: runCli,
  delivery: runDelivery,
  discovery: runDiscovery,
  lease: runLease,
  pricing: runPricing
}

async function main (args: string[]): Promise<void> {
  const names = args.length > 0 ? args : Object.keys(SCENARIOS)
  const unknown = names.filter(n => SCENARIOS[n] == null)
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown scenario ${unknown.join(', ')} (known: ${Object.keys(SCENARIOS).join(', ')})\n`)
    process.exitCode = 1
    return
  }
  const dir = join(PACKAGE_ROOT, 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  const log = (line: string): void => { process.stderr.write(line + '\n') }
  for (const name of names) {
    const started = performance.now()
    const result = await (SCENARIOS[name] as (log: (line: string) => void) => Promise<ScenarioResult>)(log)
    const seconds = Math.round((performance.now() - started) / 100) / 10
    process.stdout.write(`\n${name} (milliseconds; ${seconds} s, ${availableParallelism()} cores, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4})\n${result.table}\n`)
    const file = join(dir, `${name}.json`)
    writeFileSync(file, JSON.stringify({ scenario: name, version: VERSION, date: new Date().toISOString(), cores: availableParallelism(), node: process.version, seconds, rows: result.rows }, null, 2) + '\n')
    process.stdout.write(`written to ${file}\n`)
  }
}

await main(process.argv.slice(2))
