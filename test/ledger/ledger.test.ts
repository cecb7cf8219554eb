import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Ledger, type LedgerEvent } from '../../src/ledger/ledger.ts'
import { HoldNotFoundError, LeaseNotFoundError, NoCapacityError, UnknownPoolError } from '../../src/ledger/errors.ts'
import { silentLogger } from '../../src/log/logger.ts'
import type { NodeDb } from '../../src/host/db.ts'
import { openTestDb, tempDir, waitFor } from '../helpers/daemons.ts'

const EIGHT = [0, 1, 2, 3, 4, 5, 6, 7]

describe('ledger', () => {
  let dir: ReturnType<typeof tempDir>
  let db: NodeDb
  let ledger: Ledger

  async function openLedger (): Promise<Ledger> {
    db = await openTestDb(dir.path)
    ledger = new Ledger({ db, logger: silentLogger() }, { sweepIntervalMs: 20 })
    await ledger.start()
    return ledger
  }

  async function reopen (): Promise<Ledger> {
    await ledger.stop()
    await db.close()
    return openLedger()
  }

  beforeEach(async () => {
    dir = tempDir()
    await openLedger()
    ledger.setPool('h100', EIGHT)
  })
  afterEach(async () => {
    await ledger.stop()
    await db.close()
    dir.remove()
  })

  it('holds within capacity and refuses beyond it', async () => {
    await ledger.hold({ id: 'a', pool: 'h100', gpus: 5, ttlMs: 60_000 })
    await expect(ledger.hold({ id: 'b', pool: 'h100', gpus: 4, ttlMs: 60_000 })).rejects.toBeInstanceOf(NoCapacityError)
    await ledger.hold({ id: 'c', pool: 'h100', gpus: 3, ttlMs: 60_000 })
    expect(ledger.usage('h100')).toEqual({ pool: 'h100', total: 8, held: 8, leased: 0, free: 0 })
    await expect(ledger.hold({ id: 'd', pool: 'a100', gpus: 1, ttlMs: 60_000 })).rejects.toBeInstanceOf(UnknownPoolError)
  })

  it('never oversells under hundreds of concurrent holds and commits', async () => {
    let violations = 0
    ledger.onChange((e: LedgerEvent) => {
      const u = ledger.usage(e.pool)
      if (u.held + u.leased > u.total) violations++
    })
    const attempts = Array.from({ length: 300 }, (_, i) => (async () => {
      const gpus = 1 + (i % 3)
      try {
        const hold = await ledger.hold({ id: `h${i}`, pool: 'h100', gpus, ttlMs: 60_000 })
        if (i % 2 === 0) {
          const lease = await ledger.commit({ holdId: hold.id, leaseId: `l${i}`, start: Date.now(), end: Date.now() + 60_000 })
          if (i % 4 === 0) await ledger.release(lease.id)
        } else {
          await ledger.releaseHold(hold.id)
        }
        return gpus
      } catch (err) {
        expect(err).toBeInstanceOf(NoCapacityError)
        return 0
      }
    })())
    const granted = await Promise.all(attempts)
    expect(violations).toBe(0)
    expect(granted.filter(g => g > 0).length).toBeGreaterThan(0)
    expect(granted.filter(g => g === 0).length).toBeGreaterThan(0)
    const u = ledger.usage('h100')
    const active = await ledger.listLeases({ activeOnly: true })
    expect(u.leased).toBe(active.reduce((s, l) => s + l.gpus, 0))
    expect(u.held + u.leased).toBeLessThanOrEqual(8)
  })

  it('a committed lease survives a reopen; an uncommitted hold that lapsed does not', async () => {
    const hold = await ledger.hold({ id: 'q1', pool: 'h100', gpus: 2, ttlMs: 60_000 })
    await ledger.commit({ holdId: hold.id, leaseId: 'lease-1', start: Date.now(), end: Date.now() + 60_000, data: { agreement: 'bytes' } })
    await ledger.hold({ id: 'q2', pool: 'h100', gpus: 3, ttlMs: 50 })
    await new Promise(resolve => setTimeout(resolve, 80))
    await reopen()
    ledger.setPool('h100', EIGHT)
    expect(ledger.usage('h100')).toMatchObject({ held: 0, leased: 2, free: 6 })
    expect(await ledger.getLease('lease-1')).toMatchObject({ status: 'active', gpus: 2, data: { agreement: 'bytes' } })
  })

  it('a hold kept in memory only (provisioning) lapses after a reopen at its written expiry', async () => {
    await ledger.hold({ id: 'quoted', pool: 'h100', gpus: 2, ttlMs: 50 })
    await ledger.extendHold('quoted', 60_000, { persist: false })
    await new Promise(resolve => setTimeout(resolve, 80))
    // still held by the running ledger...
    expect(ledger.usage('h100')).toMatchObject({ held: 2, free: 6 })
    // ...but not by the next one: no negotiation survives to commit it
    await reopen()
    ledger.setPool('h100', EIGHT)
    expect(ledger.usage('h100')).toMatchObject({ held: 0, free: 8 })
  })

  it('closes leases that ended while it was closed', async () => {
    const hold = await ledger.hold({ id: 'q', pool: 'h100', gpus: 4, ttlMs: 60_000 })
    await ledger.commit({ holdId: hold.id, leaseId: 'short', start: Date.now(), end: Date.now() + 40 })
    await ledger.stop()
    await new Promise(resolve => setTimeout(resolve, 60))
    await db.close()
    await openLedger()
    ledger.setPool('h100', EIGHT)
    expect(ledger.usage('h100').free).toBe(8)
    expect(await ledger.getLease('short')).toMatchObject({ status: 'expired' })
  })

  it('frees a lapsed hold and refuses to commit it', async () => {
    await ledger.hold({ id: 'brief', pool: 'h100', gpus: 8, ttlMs: 30 })
    await waitFor('the hold to lapse', () => ledger.usage('h100').free === 8)
    await expect(ledger.commit({ holdId: 'brief', leaseId: 'x', start: 0, end: 1 })).rejects.toBeInstanceOf(HoldNotFoundError)
  })

  it('release and expiry give capacity back; renew extends', async () => {
    const ended: string[] = []
    ledger.onChange(e => { if (e.kind === 'ended') ended.push(e.lease?.id ?? '') })
    await ledger.hold({ id: 'a', pool: 'h100', gpus: 4, ttlMs: 60_000 })
    await ledger.commit({ holdId: 'a', leaseId: 'la', start: Date.now(), end: Date.now() + 60_000 })
    await ledger.hold({ id: 'b', pool: 'h100', gpus: 4, ttlMs: 60_000 })
    await ledger.commit({ holdId: 'b', leaseId: 'lb', start: Date.now(), end: Date.now() + 100 })
    const renewed = await ledger.renew('la', Date.now() + 120_000)
    expect(renewed.end).toBeGreaterThan(Date.now() + 60_000)
    expect(await ledger.release('la')).toMatchObject({ status: 'released' })
    await expect(ledger.release('la')).rejects.toBeInstanceOf(LeaseNotFoundError)
    // the GPUs are free before the synced write of the ended lease returns and 'ended' is told
    await waitFor('lb to expire', () => ledger.usage('h100').free === 8 && ended.length === 2)
    expect(ended.sort()).toEqual(['la', 'lb'])
    expect((await ledger.listLeases()).map(l => [l.id, l.status]).sort()).toEqual([['la', 'released'], ['lb', 'expired']])
  })

  it('a pool shrunk below its use shows 0 free and refuses new holds', async () => {
    await ledger.hold({ id: 'a', pool: 'h100', gpus: 6, ttlMs: 60_000 })
    ledger.setPool('h100', [0, 1, 2, 3])
    expect(ledger.usage('h100')).toMatchObject({ total: 4, free: 0 })
    await expect(ledger.hold({ id: 'b', pool: 'h100', gpus: 1, ttlMs: 60_000 })).rejects.toBeInstanceOf(NoCapacityError)
  })
})
