/** Price history in a real LevelDB: ranges, changes only, retention by count and by age, reopening. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { PriceHistory } from '../../src/pricing/history.ts'
import { toPriceView, type PriceView } from '../../src/pricing/view.ts'
import { silentLogger } from '../../src/log/logger.ts'
import type { NodeDb } from '../../src/host/db.ts'
import { openTestDb, tempDir } from '../helpers/daemons.ts'
import { H100, verifiedUpdate } from './fixtures.ts'

const key = await generateKeyPair('Ed25519')
const DAY = 24 * 3600 * 1000

async function view (o: { seq: number, now: number, free?: number, pool?: string }): Promise<PriceView> {
  return toPriceView(await verifiedUpdate(key, { seq: o.seq, now: o.now, free: o.free ?? o.seq % 9, ttlMs: 60_000, spec: { ...H100, name: o.pool ?? 'h100' } }))
}

describe('price history', () => {
  let dir: ReturnType<typeof tempDir>
  let db: NodeDb
  const histories: PriceHistory[] = []
  function history (maxPerCpi = 100, maxAgeMs = 7 * DAY): PriceHistory {
    const h = new PriceHistory({ db, logger: silentLogger(), maxAgeMs, maxPerCpi })
    histories.push(h)
    return h
  }
  beforeEach(async () => {
    dir = tempDir()
    db = await openTestDb(dir.path)
  })
  afterEach(async () => {
    await Promise.all(histories.splice(0).map(async h => h.stop()))
    await db.close()
    dir.remove()
  })

  it('returns a CPI\'s entries between since and until, oldest first, cut to the limit with more', async () => {
    const h = history()
    const t0 = Date.now() - 10_000
    const views = await Promise.all([1, 2, 3, 4, 5].map(async i => view({ seq: i, now: t0 + i * 1000 })))
    for (const v of views) h.record(v)
    h.record(await view({ seq: 1, now: t0, pool: 'other' }))
    const cpi = views[0]?.cpi as string
    expect((await h.query({ cpi, limit: 100 })).updates.map(u => u.seq)).toEqual([1, 2, 3, 4, 5])
    expect(await h.query({ cpi, since: t0 + 2000, until: t0 + 4000, limit: 100 })).toEqual({ updates: views.slice(1, 4), more: false })
    expect((await h.query({ cpi, limit: 2 }))).toMatchObject({ more: true, updates: [{ seq: 1 }, { seq: 2 }] })
    expect((await h.query({ cpi, since: t0 + 3001, limit: 2 }))).toMatchObject({ more: false, updates: [{ seq: 4 }, { seq: 5 }] })
    expect((await h.query({ cpi: `${cpi}x`, limit: 10 })).updates).toEqual([])
  })

  it('keeps changes only: a heartbeat with the same values is not written', async () => {
    const h = history()
    const t0 = Date.now() - 10_000
    for (const [seq, free] of [[1, 4], [2, 4], [3, 4], [4, 3], [5, 3], [6, 4]] as const) h.record(await view({ seq, now: t0 + seq, free }))
    const { updates } = await h.query({ cpi: (await view({ seq: 1, now: t0 })).cpi, limit: 100 })
    expect(updates.map(u => [u.seq, u.availableGpus])).toEqual([[1, 4], [4, 3], [6, 4]])
  })

  it('keeps at most maxPerCpi entries per CPI, dropping the oldest', async () => {
    const h = history(3)
    const t0 = Date.now() - 10_000
    for (let i = 1; i <= 7; i++) h.record(await view({ seq: i, now: t0 + i }))
    for (let i = 1; i <= 2; i++) h.record(await view({ seq: i, now: t0 + i, pool: 'other' }))
    const cpi = (await view({ seq: 1, now: t0 })).cpi
    expect((await h.query({ cpi, limit: 100 })).updates.map(u => u.seq)).toEqual([5, 6, 7])
    expect((await h.query({ cpi: cpi.replace('/h100', '/other'), limit: 100 })).updates.map(u => u.seq)).toEqual([1, 2])
  })

  it('drops entries older than maxAge (on start and every prune interval), in both indexes', async () => {
    const now = Date.now()
    const first = history(100, DAY)
    for (const [seq, age] of [[1, 3 * DAY], [2, 2 * DAY], [3, DAY / 2], [4, 1000]] as const) first.record(await view({ seq, now: now - age }))
    await first.stop()
    const second = history(100, DAY)
    second.start()
    const cpi = (await view({ seq: 1, now })).cpi
    expect((await second.query({ cpi, limit: 100 })).updates.map(u => u.seq)).toEqual([3, 4])
    const timeKeys = await db.sublevel('price-history-time').keys().all()
    expect(timeKeys).toHaveLength(2)
  })

  it('survives a reopen: counts and last values carry on from disk', async () => {
    const t0 = Date.now() - 10_000
    const first = history(3)
    for (let i = 1; i <= 3; i++) first.record(await view({ seq: i, now: t0 + i }))
    await first.stop()
    const second = history(3)
    // seq 3 had 3 free: the same values again are not written, even after the reopen
    second.record(await view({ seq: 4, now: t0 + 4, free: 3 }))
    second.record(await view({ seq: 5, now: t0 + 5, free: 5 }))
    const cpi = (await view({ seq: 1, now: t0 })).cpi
    expect((await second.query({ cpi, limit: 100 })).updates.map(u => u.seq)).toEqual([2, 3, 5])
  })
})
