/**
 * The per-pool publication runner both publishers share: changes during a
 * run fold into one more run, and capacity-only changes wait out the gap,
 * the last one always getting out.
 */
import { describe, expect, it } from 'vitest'
import { PoolPublications, type Publication } from '../../src/inventory/pool-publications.ts'
import { waitFor } from '../../src/testnet/wait.ts'
import { silentLogger } from '../../src/log/logger.ts'
import type { Pool } from '../../src/inventory/pool.ts'

function recorder (gapMs: number): { runner: PoolPublications, calls: Publication[], release: () => void } {
  const calls: Publication[] = []
  let release: () => void = () => {}
  const runner = new PoolPublications({
    gapMs,
    publish: async (_pool, publication) => {
      calls.push(publication)
      await new Promise<void>(resolve => { release = resolve })
    },
    log: silentLogger()
  })
  return { runner, calls, release: () => { release() } }
}

describe('pool publications', () => {
  it('folds the requests that arrive during a run into one more run, keeping a pending removal', async () => {
    const { runner, calls, release } = recorder(60_000)
    runner.request('h100', { urgent: true })
    const removed = { name: 'h100' } as Pool
    runner.request('h100', { urgent: true, removed })
    for (let i = 0; i < 10; i++) runner.request('h100', { urgent: true })
    release()
    await waitFor('the second run', () => calls.length === 2)
    release()
    await runner.settled()
    expect(calls).toEqual([{ due: true, removed: undefined }, { due: true, removed }])
    await runner.stop()
  })

  it('runs a capacity change inside the gap as not due, then once more, due, when the gap has passed', async () => {
    const { runner, calls, release } = recorder(1_500)
    runner.request('h100', { urgent: true })
    release()
    await runner.settled()
    for (let i = 0; i < 5; i++) {
      runner.request('h100', { urgent: false })
      release()
      await runner.settled()
    }
    await waitFor('the due run after the gap', () => calls.filter(c => c.due).length === 2)
    release()
    await runner.settled()
    expect(calls[0]?.due).toBe(true)
    expect(calls.at(-1)?.due).toBe(true)
    // every capacity change in between was run (for what must not wait), none of them due
    expect(calls.slice(1, -1).every(c => !c.due)).toBe(true)
    await runner.stop()
  })

  it('takes no requests once stopped', async () => {
    const { runner, calls } = recorder(0)
    await runner.stop()
    runner.request('h100', { urgent: true })
    await runner.settled()
    expect(calls).toEqual([])
  })
})
