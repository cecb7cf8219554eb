/**
 * The provider's end hook: run in the background for every lease that ends,
 * whether it was released, expired, or found ended when the ledger started.
 */
import type { Startable } from '@libp2p/interface'
import type { Config } from '../../config/schema.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import type { Logger } from '../../log/logger.ts'
import { runHook, type HookLease } from '../hooks.ts'
import { parseAgreement } from '../agreement.ts'
import { signedLeaseInLedger } from './context.ts'

export interface EndHookContext {
  config: Config['lease']
  log: Logger
}

/** Runs the end hook in the background; a failure is logged, the lease has ended either way. */
export function runEndHook (ctx: EndHookContext, lease: HookLease): void {
  if (ctx.config.endHook.length === 0) return
  runHook({ command: ctx.config.endHook, lease, event: 'end', timeoutMs: ctx.config.hookTimeoutSec * 1000 })
    .catch(err => { ctx.log.warn('end hook failed', { lease: lease.leaseId, error: (err as Error).message }) })
}

/**
 * Runs the end hook for every lease the ledger ends while it runs: released,
 * expired, or found ended when the ledger starts. Start it before the ledger,
 * or the leases that ended while the node was down never get theirs.
 */
export interface EndHooksComponents {
  ledger: Ledger
  logger: Logger
}

export interface EndHooksInit {
  config: Config['lease']
}

export class EndHooks implements Startable {
  private readonly ledger: Ledger
  private readonly ctx: EndHookContext
  private unsubscribe?: () => void

  constructor (components: EndHooksComponents, init: EndHooksInit) {
    this.ledger = components.ledger
    this.ctx = { config: init.config, log: components.logger.forComponent('cpnet:lease:provider') }
  }

  start (): void {
    if (this.unsubscribe != null || this.ctx.config.endHook.length === 0) return
    this.unsubscribe = this.ledger.onChange(event => {
      if (event.kind !== 'ended' || event.lease == null) return
      const { agreement } = parseAgreement(signedLeaseInLedger(event.lease).agreement)
      runEndHook(this.ctx, {
        leaseId: event.lease.id,
        cpi: agreement.cpi,
        pool: event.lease.pool,
        consumer: agreement.consumer,
        gpus: event.lease.gpus,
        start: event.lease.start,
        end: event.lease.end
      })
    })
  }

  stop (): void {
    this.unsubscribe?.()
    this.unsubscribe = undefined
  }
}
