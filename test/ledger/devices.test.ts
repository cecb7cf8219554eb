/**
 * The ledger's devices on a real LevelDB: a device is never in two live holds
 * or leases however holds, commits and releases interleave; a restart keeps
 * each lease's devices; a lease stored before devices were recorded still
 * takes its GPUs; a pool that shrinks under a lease says which of its devices
 * are gone and hands out only the ones left.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HOLD_PREFIX, LEASE_PREFIX, LEDGER_SUBLEVEL, Ledger } from '../../src/ledger/ledger.ts'
import { NoCapacityError } from '../../src/ledger/errors.ts'
import { silentLogger } from '../../src/log/logger.ts'
import type { NodeDb } from '../../src/host/db.ts'
import { openTestDb, tempDir } from '../helpers/daemons.ts'

const FOUR = [0, 1, 2, 3]
const MINUTE_MS = 60_000

/** A small seeded generator (mulberry32), so that a failing interleaving can be replayed. */
function random (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function pause (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

describe('ledger devices', () => {
  let dir: ReturnType<typeof tempDir>
  let db: NodeDb
  let ledger: Ledger

  async function openDb (): Promise<void> {
    db = await openTestDb(dir.path)
  }

  async function startLedger (): Promise<Ledger> {
    ledger = new Ledger({ db, logger: silentLogger() }, { sweepIntervalMs: 20 })
    await ledger.start()
    return ledger
  }

  /** Stops the ledger, closes the db, and starts a new Ledger on the same files. */
  async function restart (): Promise<Ledger> {
    await ledger.stop()
    await db.close()
    await openDb()
    return startLedger()
  }

  beforeEach(async () => {
    dir = tempDir()
    await openDb()
    await startLedger()
    ledger.setPool('gpu', FOUR)
  })
  afterEach(async () => {
    await ledger.stop()
    await db.close()
    dir.remove()
  })

  it('200 holds racing for 4 devices, committed and released in random order, never share a device', async () => {
    const next = random(11)
    /** Device → the live hold or lease that has it, as the test learns of them; a subset of the ledger's own state. */
    const known = new Map<string, number[]>()
    let violations = 0
    const check = (): void => {
      const owner = new Map<number, string>()
      const live = [...known.entries(), ...ledger.activeLeases('gpu').map(l => [l.id, l.devices] as const)]
      for (const [id, devices] of live) {
        for (const device of devices) {
          const other = owner.get(device)
          if (other != null && other !== id) violations++
          owner.set(device, id)
        }
      }
    }
    ledger.onChange(check)
    let granted = 0
    let refused = 0
    const attempts = Array.from({ length: 200 }, async (_, i) => {
      const gpus = 1 + Math.floor(next() * 3)
      const commits = next() < 0.5
      const waits = [next() * 5, next() * 5, next() * 5]
      await pause(waits[0] ?? 0)
      let devices: number[]
      try {
        const hold = await ledger.hold({ id: `h${i}`, pool: 'gpu', gpus, ttlMs: MINUTE_MS })
        devices = hold.devices
      } catch (err) {
        expect(err).toBeInstanceOf(NoCapacityError)
        refused++
        return
      }
      granted++
      expect(devices).toHaveLength(gpus)
      expect(devices.every(d => FOUR.includes(d))).toBe(true)
      known.set(`h${i}`, devices)
      check()
      await pause(waits[1] ?? 0)
      // the test forgets a hold before the ledger frees it, so what it knows stays within what is live
      known.delete(`h${i}`)
      if (!commits) {
        await ledger.releaseHold(`h${i}`)
        return
      }
      const lease = await ledger.commit({ holdId: `h${i}`, leaseId: `l${i}`, start: Date.now(), end: Date.now() + MINUTE_MS })
      expect(lease.devices).toEqual(devices)
      check()
      await pause(waits[2] ?? 0)
      await ledger.release(lease.id)
    })
    await Promise.all(attempts)
    expect(violations).toBe(0)
    expect(granted).toBeGreaterThan(0)
    expect(refused).toBeGreaterThan(0)
    expect(ledger.activeLeases()).toEqual([])
    expect(ledger.usage('gpu')).toEqual({ pool: 'gpu', total: 4, held: 0, leased: 0, free: 4 })
  })

  it('takes the lowest free devices and gives them back on release', async () => {
    expect((await ledger.hold({ id: 'a', pool: 'gpu', gpus: 2, ttlMs: MINUTE_MS })).devices).toEqual([0, 1])
    expect((await ledger.hold({ id: 'b', pool: 'gpu', gpus: 1, ttlMs: MINUTE_MS })).devices).toEqual([2])
    await ledger.releaseHold('a')
    expect((await ledger.hold({ id: 'c', pool: 'gpu', gpus: 3, ttlMs: MINUTE_MS })).devices).toEqual([0, 1, 3])
    await expect(ledger.hold({ id: 'd', pool: 'gpu', gpus: 1, ttlMs: MINUTE_MS })).rejects.toBeInstanceOf(NoCapacityError)
  })

  it('a restart keeps every lease\'s (and live hold\'s) devices, and new holds avoid them', async () => {
    await ledger.hold({ id: 'x', pool: 'gpu', gpus: 1, ttlMs: MINUTE_MS })
    await ledger.hold({ id: 'y', pool: 'gpu', gpus: 2, ttlMs: MINUTE_MS })
    await ledger.releaseHold('x')
    await ledger.commit({ holdId: 'y', leaseId: 'lease-y', start: Date.now(), end: Date.now() + MINUTE_MS })
    await ledger.hold({ id: 'z', pool: 'gpu', gpus: 1, ttlMs: MINUTE_MS })
    await ledger.commit({ holdId: 'z', leaseId: 'lease-z', start: Date.now(), end: Date.now() + MINUTE_MS })
    expect((await ledger.getLease('lease-y'))?.devices).toEqual([1, 2])
    expect((await ledger.getLease('lease-z'))?.devices).toEqual([0])
    ledger.setPool('eight', [0, 1, 2, 3, 4, 5, 6, 7])
    expect((await ledger.hold({ id: 'pending', pool: 'eight', gpus: 3, ttlMs: MINUTE_MS })).devices).toEqual([0, 1, 2])

    await restart()
    ledger.setPool('gpu', FOUR)
    ledger.setPool('eight', [0, 1, 2, 3, 4, 5, 6, 7])
    expect((await ledger.getLease('lease-y'))?.devices).toEqual([1, 2])
    expect((await ledger.getLease('lease-z'))?.devices).toEqual([0])
    expect(ledger.activeLeases().map(l => [l.id, l.devices]).sort()).toEqual([['lease-y', [1, 2]], ['lease-z', [0]]])
    expect(ledger.usage('gpu')).toMatchObject({ leased: 3, free: 1 })
    expect((await ledger.hold({ id: 'after', pool: 'gpu', gpus: 1, ttlMs: MINUTE_MS })).devices).toEqual([3])
    await expect(ledger.hold({ id: 'more', pool: 'gpu', gpus: 1, ttlMs: MINUTE_MS })).rejects.toBeInstanceOf(NoCapacityError)
    // the hold taken before the restart keeps its devices, and can still become a lease with them
    expect((await ledger.hold({ id: 'next', pool: 'eight', gpus: 2, ttlMs: MINUTE_MS })).devices).toEqual([3, 4])
    expect((await ledger.commit({ holdId: 'pending', leaseId: 'lease-p', start: Date.now(), end: Date.now() + MINUTE_MS })).devices).toEqual([0, 1, 2])
  })

  it('a live lease and a hold stored without devices (before devices were recorded) still take their GPUs', async () => {
    await ledger.stop()
    const raw = db.sublevel<string, Record<string, unknown>>(LEDGER_SUBLEVEL, { valueEncoding: 'json' })
    await raw.put(LEASE_PREFIX + 'old', { id: 'old', pool: 'gpu', gpus: 2, start: Date.now(), end: Date.now() + MINUTE_MS, status: 'active' })
    await raw.put(HOLD_PREFIX + 'old-hold', { id: 'old-hold', pool: 'gpu', gpus: 1, expiresAt: Date.now() + MINUTE_MS })
    await startLedger()
    ledger.setPool('gpu', FOUR)
    expect(ledger.usage('gpu')).toEqual({ pool: 'gpu', total: 4, held: 1, leased: 2, free: 1 })
    await expect(ledger.hold({ id: 'two', pool: 'gpu', gpus: 2, ttlMs: MINUTE_MS })).rejects.toBeInstanceOf(NoCapacityError)
    expect((await ledger.hold({ id: 'one', pool: 'gpu', gpus: 1, ttlMs: MINUTE_MS })).devices).toEqual([0])
    expect(await ledger.getLease('old')).toMatchObject({ status: 'active', gpus: 2, devices: [] })
    expect((await ledger.listLeases()).map(l => [l.id, l.devices])).toEqual([['old', []]])
    expect(ledger.missingDevices('old')).toEqual([])
    // once it ends, its GPUs are free again
    await ledger.release('old')
    await ledger.releaseHold('old-hold')
    expect(ledger.usage('gpu').free).toBe(3)
  })

  it('a pool shrunk under a live lease reports its missing devices; new holds get only devices still there', async () => {
    await ledger.hold({ id: 'a', pool: 'gpu', gpus: 2, ttlMs: MINUTE_MS })
    await ledger.commit({ holdId: 'a', leaseId: 'la', start: Date.now(), end: Date.now() + MINUTE_MS })
    expect(ledger.missingDevices('la')).toEqual([])
    // device 1 falls off the bus
    ledger.setPool('gpu', [0, 2, 3])
    expect(ledger.devicesOf('gpu')).toEqual([0, 2, 3])
    expect(ledger.missingDevices('la')).toEqual([1])
    expect(ledger.usage('gpu')).toEqual({ pool: 'gpu', total: 3, held: 0, leased: 2, free: 2 })
    await expect(ledger.hold({ id: 'big', pool: 'gpu', gpus: 3, ttlMs: MINUTE_MS })).rejects.toBeInstanceOf(NoCapacityError)
    expect((await ledger.hold({ id: 'b', pool: 'gpu', gpus: 2, ttlMs: MINUTE_MS })).devices).toEqual([2, 3])
    // the device comes back: it is still the lease's, not free
    ledger.setPool('gpu', FOUR)
    expect(ledger.missingDevices('la')).toEqual([])
    expect(ledger.usage('gpu').free).toBe(0)
    // a removed pool has none of the lease's devices
    ledger.removePool('gpu')
    expect(ledger.missingDevices('la')).toEqual([0, 1])
    expect(ledger.missingDevices('no-such-lease')).toEqual([])
  })

  it('refuses a device list with an index twice or a negative one', () => {
    expect(() => { ledger.setPool('gpu', [0, 1, 1]) }).toThrow(RangeError)
    expect(() => { ledger.setPool('gpu', [-1]) }).toThrow(RangeError)
    expect(ledger.devicesOf('gpu')).toEqual(FOUR)
  })
})
