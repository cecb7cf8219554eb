/**
 * The `hook` provisioner: commands the operator configures (lease.startHook,
 * lease.endHook) to set up and take down whatever a lease gives access to,
 * for anything the ssh and container provisioners do not cover (VMs, a
 * Jupyter server, a cloud API). A hook gets the lease as JSON on stdin and
 * as CPNET_* environment variables; the start hook must exit 0 and print one
 * JSON object (the access details sent in the Grant) within its timeout.
 * Without a start hook a lease gets `{}` as its access.
 */
import { CommandFailedError, runCommand } from '../command.ts'
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'
import type { Access, Provisioner, ProvisionLease } from './types.ts'

/** More output than this is a broken hook, not access details. */
export const HOOK_MAX_OUTPUT_BYTES = 64 * 1024

export const HookFailedError = defineError('HookFailedError', 'CPNET_LEASE_HOOK_FAILED', ErrorCode.INTERNAL_ERROR)

export type HookEvent = 'start' | 'end'

export interface HookInit {
  /** argv of the start hook; empty: none */
  startHook: string[]
  /** argv of the end hook; empty: none */
  endHook: string[]
  timeoutMs: number
}

/** What a hook reads on stdin: the event and the lease, devices and access request included. */
function hookInput (lease: ProvisionLease, event: HookEvent): string {
  return JSON.stringify({ event, lease })
}

function hookEnv (lease: ProvisionLease, event: HookEvent): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CPNET_EVENT: event,
    CPNET_LEASE_ID: lease.leaseId,
    CPNET_CPI: lease.cpi,
    CPNET_POOL: lease.pool,
    CPNET_CONSUMER: lease.consumer,
    CPNET_GPUS: String(lease.devices.length),
    CPNET_DEVICES: lease.devices.map(d => d.index).join(','),
    CPNET_START: String(lease.start),
    CPNET_END: String(lease.end)
  }
}

/** Runs a hook; resolves with the JSON object it printed ({} for an end hook), or throws HookFailedError saying why. */
export async function runHook (command: readonly string[], lease: ProvisionLease, event: HookEvent, timeoutMs: number, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const what = `${event} hook`
  let stdout: string
  try {
    ({ stdout } = await runCommand(command, { timeoutMs, signal, input: hookInput(lease, event), env: hookEnv(lease, event), maxOutputBytes: HOOK_MAX_OUTPUT_BYTES }))
  } catch (err) {
    throw new HookFailedError(`${what}: ${(err as Error).message}`, { cause: err instanceof CommandFailedError ? err : undefined })
  }
  if (event === 'end') return {}
  try {
    const parsed: unknown = JSON.parse(stdout.trim() === '' ? '{}' : stdout)
    if (parsed == null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object')
    return parsed as Record<string, unknown>
  } catch (err) {
    throw new HookFailedError(`${what} ${command[0] ?? ''} printed no JSON object: ${(err as Error).message}`)
  }
}

export class HookProvisioner implements Provisioner {
  readonly kind = 'hook'
  private readonly init: HookInit

  constructor (init: HookInit) {
    this.init = init
  }

  async start (lease: ProvisionLease, signal: AbortSignal): Promise<Access> {
    if (this.init.startHook.length === 0) return {}
    return runHook(this.init.startHook, lease, 'start', this.init.timeoutMs, signal)
  }

  /** A hook has no renewal event: what it set up is its own to time, and the end hook still runs at the lease's end. */
  async extend (): Promise<Access> {
    return {}
  }

  async stop (_leaseId: string, signal: AbortSignal, lease?: ProvisionLease): Promise<void> {
    if (this.init.endHook.length === 0 || lease == null) return
    await runHook(this.init.endHook, lease, 'end', this.init.timeoutMs, signal)
  }

  /** What a hook set up is not visible to the daemon: nothing to reconcile. */
  async provisioned (): Promise<string[]> {
    return []
  }
}
