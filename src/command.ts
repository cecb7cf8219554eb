/**
 * Runs a program with its arguments as argv, never through a shell, so that
 * nothing a consumer sent (a key, a command, an environment value) can be
 * read as shell syntax. Output is bounded, every run has a deadline, and an
 * AbortSignal (a provisioning timeout) kills the program.
 */
import { spawn } from 'node:child_process'
import { ErrorCode } from './error-codes.ts'
import { defineError } from './errors.ts'

/** More output than this is a program gone wrong, not an answer. */
const COMMAND_MAX_OUTPUT_BYTES = 4 * 1024 * 1024
/** Longest part of a failing program's own words kept in its error. */
const MAX_SAID_CHARS = 400

/** A program that could not run, failed, timed out or was aborted; `exitCode` is set when it exited. */
export class CommandFailedError extends defineError('CommandFailedError', 'CPNET_COMMAND_FAILED', ErrorCode.INTERNAL_ERROR) {
  exitCode?: number
  stdout = ''
  stderr = ''
}

export interface CommandOptions {
  timeoutMs: number
  signal?: AbortSignal
  /** Written to the program's stdin, which is then closed; stdin is empty without it. */
  input?: string
  /** The whole environment; the daemon's own by default. */
  env?: NodeJS.ProcessEnv
  /** stdout beyond this kills the program; COMMAND_MAX_OUTPUT_BYTES by default. */
  maxOutputBytes?: number
}

export interface CommandResult {
  stdout: string
  stderr: string
}

function describe (argv: readonly string[]): string {
  return argv.slice(0, 3).join(' ') + (argv.length > 3 ? ' …' : '')
}

/** Runs argv[0] with the rest as its arguments; resolves on exit 0, else throws CommandFailedError saying why. */
export async function runCommand (argv: readonly string[], options: CommandOptions): Promise<CommandResult> {
  const [program, ...args] = argv
  if (program == null || program === '') throw new CommandFailedError('empty command')
  const what = describe(argv)
  if (options.signal?.aborted === true) throw new CommandFailedError(`${what}: aborted before it started`)
  const child = spawn(program, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  let killedFor: string | undefined
  const kill = (why: string): void => {
    if (killedFor != null) return
    killedFor = why
    child.kill('SIGKILL')
  }
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8')
    const max = options.maxOutputBytes ?? COMMAND_MAX_OUTPUT_BYTES
    if (stdout.length > max) kill(`printed more than ${max} bytes`)
  })
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-COMMAND_MAX_OUTPUT_BYTES) })
  child.stdin.on('error', () => {}) // a program that does not read its stdin is fine
  child.stdin.end(options.input ?? '')
  const timer = setTimeout(() => { kill(`did not finish within ${options.timeoutMs} ms`) }, options.timeoutMs)
  const onAbort = (): void => { kill('was aborted') }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  const [code, spawnError] = await new Promise<[number | null, Error | undefined]>(resolve => {
    child.once('error', err => { resolve([null, err]) })
    child.once('close', c => { resolve([c, undefined]) })
  })
  clearTimeout(timer)
  options.signal?.removeEventListener('abort', onAbort)
  if (spawnError == null && killedFor == null && code === 0) return { stdout, stderr }
  const said = [stderr, stdout].map(o => o.replace(/\s+/g, ' ').trim()).find(o => o !== '')
  const how = spawnError != null
    ? `could not run (${spawnError.message})`
    : killedFor ?? `exited with code ${code ?? 'none'}`
  const err = new CommandFailedError(said == null ? `${what} ${how}` : `${what} ${how}: ${said.slice(0, MAX_SAID_CHARS)}`)
  if (code != null && killedFor == null) err.exitCode = code
  err.stdout = stdout
  err.stderr = stderr
  throw err
}
