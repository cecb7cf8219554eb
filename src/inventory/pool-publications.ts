/**
 * What both publishers of a pool (its offer in the DHT, its price over
 * gossip) need: one publication at a time per pool, with the changes that
 * arrive meanwhile folded into one more with the latest state; and, for
 * changes of free capacity alone, publications at least `gapMs` apart, the
 * last state always going out. A lease storm moves capacity on every hold and
 * grant; without the gap, every node in the network would pay for each one.
 */
import type { Logger } from '../log/logger.ts'
import type { PoolChange } from './inventory.ts'
import type { Pool } from './pool.ts'

export interface PublicationRequest {
  /** Goes out at once; false for a change of free capacity alone, and for heartbeats. */
  urgent: boolean
  /** The pool as it was removed, when its removal is the latest change. */
  removed?: Pool
}

export interface Publication {
  /**
   * True when the request was urgent or the gap has passed: publish
   * everywhere. False: do what must not wait (if anything); the pool is
   * asked for again, urgently, once the gap has passed.
   */
  due: boolean
  /** The pool as it was removed (it may have been added back since). */
  removed?: Pool
}

export interface PoolPublicationsInit {
  gapMs: number
  publish: (pool: string, publication: Publication) => Promise<void>
  log: Logger
}

interface Run {
  done: Promise<void>
  /** What came in since the run last picked up its work. */
  next?: PublicationRequest
  /** Requests taken in so far, and how many of them finished publications have covered. */
  requested: number
  published: number
  /** settled() callers, each waiting for the requests taken in before it asked. */
  waiters: Array<{ upTo: number, resolve: () => void }>
}

export class PoolPublications {
  private readonly init: PoolPublicationsInit
  private readonly runs = new Map<string, Run>()
  /** When each pool's last due publication started, in ms. */
  private readonly lastDueAt = new Map<string, number>()
  /** Pools asked for again once their gap has passed. */
  private readonly waiting = new Map<string, NodeJS.Timeout>()
  private stopped = false

  constructor (init: PoolPublicationsInit) {
    this.init = init
  }

  /** Asks for a publication after an inventory change: at once unless only free capacity changed. */
  changed (change: PoolChange): void {
    this.request(change.pool.name, { urgent: change.kind !== 'capacity', removed: change.kind === 'removed' ? change.pool : undefined })
  }

  request (pool: string, request: PublicationRequest): void {
    if (this.stopped) return
    const run = this.runs.get(pool)
    if (run != null) {
      const next = run.next
      // a removal stays pending until published; a later change of a re-added pool publishes that pool
      run.next = next == null ? request : { urgent: next.urgent || request.urgent, removed: request.removed ?? next.removed }
      run.requested++
      return
    }
    const started: Run = { done: Promise.resolve(), next: request, requested: 1, published: 0, waiters: [] }
    started.done = this.loop(pool, started).finally(() => {
      this.runs.delete(pool)
      for (const waiter of started.waiters) waiter.resolve()
    })
    this.runs.set(pool, started)
  }

  /**
   * Resolves once every publication requested before the call has gone out
   * (tests and benchmarks wait on it). Requests that come later do not
   * extend the wait: with republications every few seconds and DHT puts that
   * take as long, "until nothing runs" lasted up to a minute on 20 nodes.
   */
  async settled (): Promise<void> {
    await Promise.all([...this.runs.values()].map(async run => {
      if (run.published >= run.requested) return
      const upTo = run.requested
      await new Promise<void>(resolve => { run.waiters.push({ upTo, resolve }) })
    }))
  }

  /** Takes no more requests and waits for the running publications. */
  async stop (): Promise<void> {
    this.stopped = true
    for (const timer of this.waiting.values()) clearTimeout(timer)
    this.waiting.clear()
    await Promise.allSettled([...this.runs.values()].map(async run => run.done))
  }

  private async loop (pool: string, run: Run): Promise<void> {
    while (run.next != null && !this.stopped) {
      const { urgent, removed } = run.next
      run.next = undefined
      const covers = run.requested
      const dueAt = (this.lastDueAt.get(pool) ?? 0) + this.init.gapMs
      const due = urgent || Date.now() >= dueAt
      if (due) {
        this.lastDueAt.set(pool, Date.now())
        clearTimeout(this.waiting.get(pool))
        this.waiting.delete(pool)
      } else {
        this.askAgainAt(pool, dueAt)
      }
      try {
        await this.init.publish(pool, { due, removed })
      } catch (err) {
        this.init.log.warn('publication failed', { pool, error: (err as Error).message })
      }
      if (removed != null) this.lastDueAt.delete(pool)
      run.published = covers
      run.waiters = run.waiters.filter(waiter => {
        if (waiter.upTo > covers) return true
        waiter.resolve()
        return false
      })
    }
  }

  private askAgainAt (pool: string, dueAt: number): void {
    if (this.waiting.has(pool)) return
    const timer = setTimeout(() => {
      this.waiting.delete(pool)
      this.request(pool, { urgent: true })
    }, Math.max(0, dueAt - Date.now()))
    timer.unref()
    this.waiting.set(pool, timer)
  }
}
