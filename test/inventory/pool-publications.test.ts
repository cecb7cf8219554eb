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
  it('settled() waits for what was asked before it, not for what comes after', async () => {
    const { runner, calls, release } = recorder(60_000)
    runner.request('h100', { urgent: true })
    let settled = false
    const waiting = runner.settled().then(() => { settled = true })
    // a republication asked for after the call, while the first one runs
    runner.request('h100', { urgent: true })
    release()
    await waiting
    expect(settled).toBe(true)
    // the later request runs on, and settled() did not wait for it
    await waitFor('the later run', () => calls.length === 2)
    const second = runner.settled()
    release()
    await second
    await runner.stop()
  })

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

  it('runs capacity changes inside the gap as not due', async () => {
    const { runner, calls, release } = recorder(60_000)
    runner.request('h100', { urgent: true })
    release()
    await runner.settled()
    for (let i = 0; i < 5; i++) {
      runner.request('h100', { urgent: false })
      release()
      await runner.settled()
    }
    expect(calls.map(c => c.due)).toEqual([true, false, false, false, false, false])
    await runner.stop()
  })

  it('publishes once more, due, when the gap has passed: the last capacity change always gets out', async () => {
    const { runner, calls, release } = recorder(50)
    runner.request('h100', { urgent: true })
    release()
    await runner.settled()
    runner.request('h100', { urgent: false })
    await waitFor('a due publication after the capacity change', () => {
      release()
      return calls.length >= 2 && calls.at(-1)?.due === true
    })
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
