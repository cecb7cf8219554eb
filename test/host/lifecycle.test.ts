/**
 * The one lifecycle: parts start in their order and stop the other way; a
 * part that fails to start is stopped with the ones before it; a stop runs
 * every part whatever the one before did. Then the same through a real
 * daemon whose inventory fails to start: the databases close, the node is
 * stopped, and the same repo starts cleanly afterwards.
 */
import { afterAll, describe, expect, it } from 'vitest'
import type { Startable } from '@libp2p/interface'
import { startParts, stopParts, type NamedPart } from '../../src/host/lifecycle.ts'
import { FullCapacity, type CapacitySource } from '../../src/inventory/capacity.ts'
import { DaemonPool } from '../helpers/daemons.ts'

function recorder (): { events: string[], part: (name: string, fail?: { start?: boolean, stop?: boolean }) => NamedPart } {
  const events: string[] = []
  return {
    events,
    part: (name, fail = {}) => {
      const part: Startable = {
        start: async () => {
          events.push(`start ${name}`)
          if (fail.start === true) throw new Error(`${name} would not start`)
        },
        stop: async () => {
          events.push(`stop ${name}`)
          if (fail.stop === true) throw new Error(`${name} would not stop`)
        }
      }
      return { name, part }
    }
  }
}

describe('startParts and stopParts', () => {
  it('start in order and stop the other way', async () => {
    const { events, part } = recorder()
    const parts = [part('a'), part('b'), part('c')]
    await startParts(parts, () => {})
    await stopParts(parts)
    expect(events).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a'])
  })

  it('a part that fails to start is stopped, then the ones before it; the start\'s own error is thrown', async () => {
    const { events, part } = recorder()
    const cleanup: unknown[] = []
    const parts = [part('a'), part('b', { start: true }), part('c')]
    await expect(startParts(parts, err => cleanup.push(err))).rejects.toThrow('b would not start')
    expect(events).toEqual(['start a', 'start b', 'stop b', 'stop a'])
    expect(cleanup).toEqual([])
  })

  it('a cleanup that fails is reported beside the start\'s error, not instead of it', async () => {
    const { part } = recorder()
    const cleanup: unknown[] = []
    const parts = [part('a', { stop: true }), part('b', { start: true })]
    await expect(startParts(parts, err => cleanup.push(err))).rejects.toThrow('b would not start')
    expect(cleanup.map(e => (e as Error).message)).toEqual(['a would not stop'])
  })

  it('a stop runs every part and rethrows the failures at the end, several as an AggregateError naming them', async () => {
    const { events, part } = recorder()
    const one = [part('a'), part('b', { stop: true })]
    await expect(stopParts(one)).rejects.toThrow('b would not stop')
    expect(events).toEqual(['stop b', 'stop a'])
    const several = [part('x', { stop: true }), part('y'), part('z', { stop: true })]
    const err = await stopParts(several).then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(AggregateError)
    expect((err as AggregateError).message).toBe('2 parts failed to stop: z: z would not stop; x: x would not stop')
    expect(events.slice(2)).toEqual(['stop z', 'stop y', 'stop x'])
  })
})

describe('a node whose part fails to start', () => {
  const pool = new DaemonPool()
  afterAll(async () => { await pool.cleanup() })

  it('stops what it started, closes its databases and starts cleanly the next time', async () => {
    // the inventory subscribes to its capacity source in start(): failing there fails the node's start midway,
    // after the seq store, the end hooks and the ledger have started
    const failing: CapacitySource = {
      available: pool => pool.gpus,
      onChange: () => { throw new Error('capacity source unavailable') }
    }
    const first = pool.start({ capacity: failing })
    await expect(first).rejects.toThrow('capacity source unavailable')
    const repoPath = `${pool.root}/node-0`
    // a database left open would hold LevelDB's lock, and this start would fail with LEVEL_LOCKED
    const daemon = await pool.start({ repoPath, capacity: new FullCapacity() })
    expect(daemon.node.status).toBe('running')
    const db = daemon.node.db
    await daemon.stop()
    expect(daemon.node.status).toBe('stopped')
    expect(db.status).toBe('closed')
  })
})
