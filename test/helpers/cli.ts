/** The built `cpnet` CLI as real child processes (`npm test` builds dist/ first). */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ENV_PREFIX } from '../../src/config/env.ts'

export const CLI_ENTRY = fileURLToPath(new URL('../../dist/src/cli/index.js', import.meta.url))

if (!existsSync(CLI_ENTRY)) throw new Error(`${CLI_ENTRY} is missing: run npm run build (npm test does it first)`)

export interface CliResult { code: number | null, stdout: string, stderr: string }

/** Environment without the caller's CPNET_* settings, so a developer's shell cannot change a test. */
export function cleanEnv (extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith(ENV_PREFIX)))
  return { ...env, ...extra }
}

export async function runCli (args: string[], env: NodeJS.ProcessEnv = cleanEnv(), timeoutMs = 30_000): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', c => { stdout += String(c) })
  child.stderr.on('data', c => { stderr += String(c) })
  const timer = setTimeout(() => { child.kill('SIGKILL') }, timeoutMs)
  const code = await new Promise<number | null>(resolve => { child.on('close', c => { resolve(c) }) })
  clearTimeout(timer)
  return { code, stdout, stderr }
}

export interface DaemonProcess {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>
}

/** Starts `cpnet daemon` and waits for `Daemon is ready` (or its early exit). */
export async function spawnDaemon (args: string[], env: NodeJS.ProcessEnv = cleanEnv(), timeoutMs = 30_000): Promise<DaemonProcess> {
  return spawnUntilReady(process.execPath, [CLI_ENTRY, 'daemon', ...args], { env }, timeoutMs)
}

/** Starts any command that ends up running a daemon (`npm start`) and waits for `Daemon is ready` (or its early exit). */
export async function spawnUntilReady (command: string, args: string[], options: { env: NodeJS.ProcessEnv, cwd?: string }, timeoutMs: number): Promise<DaemonProcess> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stderr.on('data', c => { err += String(c) })
  const exited = new Promise<number | null>(resolve => { child.on('exit', c => { resolve(c) }) })
  const ready = new Promise<void>(resolve => {
    child.stdout.on('data', c => {
      out += String(c)
      if (out.includes('Daemon is ready')) resolve()
    })
  })
  const timer = setTimeout(() => { child.kill('SIGKILL') }, timeoutMs)
  await Promise.race([ready, exited])
  clearTimeout(timer)
  return { child, stdout: () => out, stderr: () => err, exited }
}

/** Teardown: makes sure the process is gone. */
export async function killDaemon (d: DaemonProcess | undefined): Promise<void> {
  if (d == null || d.child.exitCode != null || d.child.signalCode != null) return
  d.child.kill('SIGKILL')
  await d.exited
}

export interface LiveCli {
  child: ChildProcess
  /** Complete stdout lines so far. */
  lines: () => string[]
  stderr: () => string
  exited: Promise<number | null>
}

/** Starts a long-running `cpnet` command (`prices watch`) whose output a test reads as it comes. */
export function spawnCli (args: string[], env: NodeJS.ProcessEnv = cleanEnv()): LiveCli {
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout?.on('data', c => { out += String(c) })
  child.stderr?.on('data', c => { err += String(c) })
  const exited = new Promise<number | null>(resolve => { child.on('close', c => { resolve(c) }) })
  return { child, lines: () => out.split('\n').slice(0, -1), stderr: () => err, exited }
}

/** Teardown: makes sure a spawned command is gone. */
export async function killCli (cli: LiveCli | undefined): Promise<void> {
  if (cli == null || cli.child.exitCode != null || cli.child.signalCode != null) return
  cli.child.kill('SIGKILL')
  await cli.exited
}
