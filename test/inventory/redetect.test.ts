/**
 * Re-detection while the node runs, with a real nvidia-smi stand-in: a shell
 * script in a temp dir that prints a file the test rewrites. A GPU gone from
 * its output shrinks the pool ('updated', so offers are republished), the
 * ledger's devices follow through PoolSync, which warns naming the leases on
 * the gone device; output it cannot read keeps the last good devices; an
 * empty output removes the detected pool.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Inventory, type PoolChange } from '../../src/inventory/inventory.ts'
import { PoolStore } from '../../src/inventory/store.ts'
import { PriceOverrides } from '../../src/inventory/price-overrides.ts'
import { deviceIndices } from '../../src/inventory/devices.ts'
import { Ledger } from '../../src/ledger/ledger.ts'
import { ledgerCapacity, PoolSync } from '../../src/lease/capacity.ts'
import { readDefaults } from '../../src/config/load.ts'
import { silentLogger, type Logger } from '../../src/log/logger.ts'
import type { NodeDb } from '../../src/host/db.ts'
import { openTestDb, tempDir, waitFor } from '../helpers/daemons.ts'

const L40S_4X = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'nvidia-smi', 'l40s-4x.csv'), 'utf8')
const DETECT_INTERVAL_SEC = 0.02
const WAIT_MS = 10_000
const MINUTE_MS = 60_000

interface LogLine { level: 'error' | 'warn' | 'info' | 'debug', msg: string, fields?: Record<string, unknown> }

/** A logger that keeps what it is told, for the assertions on warnings. */
function recordingLogger (lines: LogLine[]): Logger {
  const logger: Logger = {
    error: (msg, fields) => { lines.push({ level: 'error', msg, fields }) },
    warn: (msg, fields) => { lines.push({ level: 'warn', msg, fields }) },
    info: (msg, fields) => { lines.push({ level: 'info', msg, fields }) },
    debug: (msg, fields) => { lines.push({ level: 'debug', msg, fields }) },
    forComponent: () => logger
  }
  return logger
}

describe('inventory re-detection', () => {
  let dir: ReturnType<typeof tempDir>
  let db: NodeDb
  let output: string
  let parts: Array<{ stop: () => void | Promise<void> }>

  /** What the fake nvidia-smi prints from now on; renamed into place, so that it never reads half a file. */
  function nvidiaSmiPrints (text: string): void {
    writeFileSync(output + '.new', text)
    renameSync(output + '.new', output)
  }

  beforeEach(async () => {
    dir = tempDir()
    db = await openTestDb(dir.path)
    output = join(dir.path, 'gpus.csv')
    nvidiaSmiPrints(L40S_4X)
    parts = []
  })
  afterEach(async () => {
    for (const part of parts.reverse()) await part.stop()
    await db.close()
    dir.remove()
  })

  async function start (logs: LogLine[]): Promise<{ inventory: Inventory, ledger: Ledger, changes: PoolChange[] }> {
    const script = join(dir.path, 'nvidia-smi')
    writeFileSync(script, `#!/bin/sh\nexec cat '${output}'\n`)
    chmodSync(script, 0o755)
    const ledger = new Ledger({ db, logger: silentLogger() })
    const inventory = new Inventory(
      { store: new PoolStore(db), prices: new PriceOverrides(db), logger: recordingLogger(logs), capacity: ledgerCapacity(ledger) },
      { config: { ...readDefaults().provider, detectGpus: true, nvidiaSmi: script, detectIntervalSec: DETECT_INTERVAL_SEC } }
    )
    const poolSync = new PoolSync({ inventory, ledger, logger: recordingLogger(logs) })
    for (const part of [ledger, inventory, poolSync]) {
      await part.start()
      parts.push(part)
    }
    const changes: PoolChange[] = []
    inventory.onChange(change => { if (change.kind !== 'capacity') changes.push(change) })
    return { inventory, ledger, changes }
  }

  async function lease (ledger: Ledger, id: string): Promise<number[]> {
    await ledger.hold({ id, pool: 'l40s', gpus: 1, ttlMs: MINUTE_MS })
    return (await ledger.commit({ holdId: id, leaseId: id, start: Date.now(), end: Date.now() + MINUTE_MS })).devices
  }

  it('a GPU gone from nvidia-smi shrinks its pool and the ledger; leases on it are named in a warning', async () => {
    const logs: LogLine[] = []
    const { inventory, ledger, changes } = await start(logs)
    expect(inventory.get('l40s')?.devices.map(d => [d.index, d.pciBusId])).toEqual([[0, '00000000:17:00.0'], [1, '00000000:31:00.0'], [2, '00000000:B1:00.0'], [3, '00000000:CA:00.0']])
    expect(ledger.devicesOf('l40s')).toEqual([0, 1, 2, 3])
    expect(await lease(ledger, 'first')).toEqual([0])
    expect(await lease(ledger, 'second')).toEqual([1])

    // GPU 1 falls off the bus
    nvidiaSmiPrints(L40S_4X.split('\n').filter(line => !line.startsWith('1,')).join('\n'))
    await waitFor('the pool to shrink', () => changes.some(c => c.kind === 'updated' && c.pool.gpus === 3), WAIT_MS)
    const shrunk = inventory.get('l40s')
    expect(shrunk?.gpus).toBe(3)
    expect(deviceIndices(shrunk?.devices ?? [])).toEqual([0, 2, 3])
    expect(inventory.detection).toEqual({ enabled: true, gpus: 3 })
    expect(ledger.devicesOf('l40s')).toEqual([0, 2, 3])
    expect(ledger.missingDevices('second')).toEqual([1])
    expect(ledger.missingDevices('first')).toEqual([])
    expect(logs).toContainEqual({ level: 'warn', msg: expect.stringContaining('live leases'), fields: { pool: 'l40s', devicesGone: [1], leases: ['second'] } })
    // new holds get only devices still there
    expect(await lease(ledger, 'third')).toEqual([2])
    expect(ledger.usage('l40s')).toMatchObject({ total: 3, free: 1 })
  })

  it('output it cannot read keeps the last good devices; the GPU back grows the pool; no GPUs left removes it', async () => {
    const logs: LogLine[] = []
    const { inventory, ledger, changes } = await start(logs)
    nvidiaSmiPrints('Failed to initialize NVML: Driver/library version mismatch\n')
    await waitFor('the failure to be seen', () => inventory.detection.error != null, WAIT_MS)
    expect(inventory.detection).toMatchObject({ enabled: true, gpus: 4 })
    expect(inventory.get('l40s')?.gpus).toBe(4)
    expect(changes).toEqual([])
    expect(logs.some(l => l.level === 'warn' && l.msg.includes('re-detection failed'))).toBe(true)

    nvidiaSmiPrints(L40S_4X.split('\n').slice(0, 2).join('\n'))
    await waitFor('the pool to shrink', () => inventory.get('l40s')?.gpus === 2, WAIT_MS)
    nvidiaSmiPrints(L40S_4X)
    await waitFor('the pool to grow again', () => inventory.get('l40s')?.gpus === 4, WAIT_MS)
    expect(ledger.devicesOf('l40s')).toEqual([0, 1, 2, 3])

    expect(await lease(ledger, 'on-0')).toEqual([0])
    nvidiaSmiPrints('')
    await waitFor('the pool to go', () => changes.some(c => c.kind === 'removed'), WAIT_MS)
    expect(inventory.list()).toEqual([])
    expect(ledger.devicesOf('l40s')).toBeUndefined()
    expect(ledger.missingDevices('on-0')).toEqual([0])
    expect(logs).toContainEqual({ level: 'warn', msg: expect.stringContaining('live leases'), fields: { pool: 'l40s', devicesGone: [0, 1, 2, 3], leases: ['on-0'] } })
    expect(changes.map(c => [c.kind, c.pool.gpus])).toEqual([['updated', 2], ['updated', 4], ['removed', 4]])
  })
})
