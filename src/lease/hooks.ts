/**
 * Provider hooks: commands the operator configures to start and stop what a
 * lease gives access to (containers, SSH keys, VMs). A hook gets the lease as
 * JSON on stdin and as CPNET_* environment variables. The start hook must exit
 * 0 and print one JSON object (the access details sent in the Grant) within
 * its timeout; anything else is a failure and the lease is refused.
 */
import { spawn } from 'node:child_process'
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'

/** More output than this is a broken hook, not access details. */
const HOOK_MAX_OUTPUT_BYTES = 64 * 1024

export const HookFailedError = defineError('HookFailedError', 'CPNET_LEASE_HOOK_FAILED', ErrorCode.INTERNAL_ERROR)

export interface HookLease {
  leaseId: string
  cpi: string
  pool: string
  consumer: string
  gpus: number
  start: number
  end: number
}

export interface HookRun {
  /** argv: the program, then its arguments (no shell) */
  command: string[]
  lease: HookLease
  event: 'start' | 'end'
  timeoutMs: number
}

function hookEnv (lease: HookLease, event: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CPNET_EVENT: event,
    CPNET_LEASE_ID: lease.leaseId,
    CPNET_CPI: lease.cpi,
    CPNET_POOL: lease.pool,
    CPNET_CONSUMER: lease.consumer,
    CPNET_GPUS: String(lease.gpus),
    CPNET_START: String(lease.start),
    CPNET_END: String(lease.end)
  }
}

/** Runs the hook; resolves with its stdout parsed as a JSON object, or throws HookFailedError saying why. */
export async function runHook (run: HookRun): Promise<Record<string, unknown>> {
  const [program, ...args] = run.command
  if (program == null) throw new HookFailedError(`${run.event} hook: empty command`)
  const child = spawn(program, args, { env: hookEnv(run.lease, run.event), stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  let overflow = false
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8')
    if (stdout.length > HOOK_MAX_OUTPUT_BYTES && !overflow) {
      overflow = true
      child.kill('SIGKILL')
    }
  })
  child.stderr.on('data', (c: Buffer) => { stderr = (stderr + c.toString('utf8')).slice(-2000) })
  child.stdin.on('error', () => {}) // a hook that does not read stdin is fine
  child.stdin.end(JSON.stringify({ event: run.event, lease: run.lease }))
  const timer = setTimeout(() => { child.kill('SIGKILL') }, run.timeoutMs)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve => {
    child.once('error', err => { stderr = err.message; resolve([null, null]) })
    child.once('close', (c, s) => { resolve([c, s]) })
  })
  clearTimeout(timer)
  const what = `${run.event} hook ${program}`
  if (overflow) throw new HookFailedError(`${what} printed more than ${HOOK_MAX_OUTPUT_BYTES} bytes`)
  if (signal === 'SIGKILL' && code == null) throw new HookFailedError(`${what} did not finish within ${run.timeoutMs} ms`)
  if (code !== 0) throw new HookFailedError(`${what} failed (${code == null ? 'did not run' : `exit ${code}`}): ${stderr.trim().split('\n').pop() ?? ''}`)
  if (run.event === 'end') return {}
  try {
    const parsed: unknown = JSON.parse(stdout.trim() === '' ? '{}' : stdout)
    if (parsed == null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object')
    return parsed as Record<string, unknown>
  } catch (err) {
    throw new HookFailedError(`${what} printed no JSON object: ${(err as Error).message}`)
  }
}
