import { runHook, type HookLease } from '../hooks.ts'
import type { ProviderContext } from './context.ts'

/** Runs the end hook in the background; a failure is logged, the lease has ended either way. */
export function runEndHook (ctx: ProviderContext, lease: HookLease): void {
  if (ctx.config.endHook.length === 0) return
  runHook({ command: ctx.config.endHook, lease, event: 'end', timeoutMs: ctx.config.hookTimeoutSec * 1000 })
    .catch(err => { ctx.log.warn('end hook failed', { lease: lease.leaseId, error: (err as Error).message }) })
}
