import type { Config } from '../../config/schema.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import type { Logger } from '../../log/logger.ts'
import { runHook, type HookLease } from '../hooks.ts'
import { parseAgreement } from '../agreement.ts'
import { signedLeaseOf } from './context.ts'

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
 * Runs the end hook for every lease the ledger ends: released, expired, or
 * found ended when the ledger opens. Subscribe before `ledger.open()`, or the
 * leases that ended while the node was down never get theirs.
 */
export function runEndHooks (ledger: Ledger, ctx: EndHookContext): () => void {
  if (ctx.config.endHook.length === 0) return () => {}
  return ledger.onChange(event => {
    if (event.kind !== 'ended' || event.lease == null) return
    const { agreement } = parseAgreement(signedLeaseOf(event.lease).agreement)
    runEndHook(ctx, {
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
