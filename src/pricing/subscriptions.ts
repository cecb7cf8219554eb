/**
 * prices_subscribe: per WebSocket session, up to `maxPerSession` filters, each
 * with an id (geth's form, 0x + 32 hex digits). Every update the price book
 * admits goes to the subscriptions whose filter it matches, as a
 * `prices_subscription` notification. A subscription also hears the update
 * that takes a CPI out of its filter (fewer free GPUs, a higher price, a
 * withdrawal), marked `matches: false`, so that a live table can drop the row
 * instead of showing the last matching values until they expire. Everything
 * a session holds goes when it closes.
 */
import { randomBytes } from 'node:crypto'
import type { Filter } from '../discovery/filter.ts'
import type { Logger } from '../log/logger.ts'
import { SubscriptionLimitError } from './errors.ts'
import type { VerifiedPriceUpdate } from './message.ts'
import { toPriceView, type PriceView } from './view.ts'

export const PRICES_NOTIFICATION = 'prices_subscription'

/**
 * Where a subscriber's notifications go: a connection that lives on after the
 * call (the API's WebSocket session is one) and says when it closes.
 */
export interface NotificationSink {
  readonly id: number
  notify: (method: string, params: unknown) => void
  /** Runs when the connection closes; its subscriptions are dropped then. */
  onClose: (fn: () => void) => void
}

/** The notification's `result`: the update, and whether it matches the subscription's filter. */
export type PriceNotification = PriceView & { matches: boolean }

interface Subscription {
  filter: Filter
  /** CPIs whose last notification matched: the ones the subscriber shows. */
  shown: Set<string>
  /** Notifications held until the subscribe response has gone out (then undefined). */
  held?: PriceNotification[]
}

interface SessionSubscriptions {
  session: NotificationSink
  byId: Map<string, Subscription>
}

export interface PriceSubscriptionsInit {
  /** Whether an update matches a filter (the update's own values and the offer known for its CPI). */
  matches: (filter: Filter, update: VerifiedPriceUpdate) => boolean
  maxPerSession: number
  logger: Logger
}

export class PriceSubscriptions {
  private readonly init: PriceSubscriptionsInit
  private readonly log: Logger
  private readonly sessions = new Map<number, SessionSubscriptions>()

  constructor (init: PriceSubscriptionsInit) {
    this.init = init
    this.log = init.logger.forComponent('cpnet:pricing:subscriptions')
  }

  /** Subscriptions held now, over every session. */
  get size (): number {
    let n = 0
    for (const s of this.sessions.values()) n += s.byId.size
    return n
  }

  subscribe (session: NotificationSink, filter: Filter): string {
    let held = this.sessions.get(session.id)
    if (held == null) {
      held = { session, byId: new Map() }
      this.sessions.set(session.id, held)
      session.onClose(() => { this.closeSession(session.id) })
    }
    if (held.byId.size >= this.init.maxPerSession) {
      throw new SubscriptionLimitError(`this connection holds ${held.byId.size} subscriptions, the limit is ${this.init.maxPerSession}`)
    }
    const id = `0x${randomBytes(16).toString('hex')}`
    const sub: Subscription = { filter, shown: new Set(), held: [] }
    held.byId.set(id, sub)
    // the response with the id is sent in this turn of the event loop; the first notification must not overtake it
    setImmediate(() => {
      const early = sub.held ?? []
      sub.held = undefined
      for (const result of early) session.notify(PRICES_NOTIFICATION, { subscription: id, result })
    })
    return id
  }

  /** False when the session holds no such subscription. */
  unsubscribe (session: NotificationSink, id: string): boolean {
    return this.sessions.get(session.id)?.byId.delete(id) ?? false
  }

  /** Notifies every subscription that matches `update`, or that showed its CPI until now. */
  deliver (update: VerifiedPriceUpdate): void {
    const cpi = update.update.cpi
    let view: PriceView | undefined
    for (const { session, byId } of this.sessions.values()) {
      for (const [id, sub] of byId) {
        const matches = !update.update.withdrawn && this.init.matches(sub.filter, update)
        if (!matches && !sub.shown.has(cpi)) continue
        if (matches) sub.shown.add(cpi)
        else sub.shown.delete(cpi)
        view ??= toPriceView(update)
        const result: PriceNotification = { ...view, matches }
        if (sub.held != null) sub.held.push(result)
        else session.notify(PRICES_NOTIFICATION, { subscription: id, result })
      }
    }
  }

  /** Drops every subscription (the service stops). */
  clear (): void {
    this.sessions.clear()
  }

  private closeSession (id: number): void {
    const held = this.sessions.get(id)
    if (held == null) return
    this.sessions.delete(id)
    this.log.debug('session closed; subscriptions dropped', { session: id, subscriptions: held.byId.size })
  }
}
