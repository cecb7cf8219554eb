/**
 * Structured logs for cpnet's own components.
 *
 * Logs go to stderr so that stdout stays free for the daemon's banner and for
 * command output that scripts parse. On a terminal they are rendered as short
 * human lines; otherwise one JSON object per line (pino's format), which log
 * shippers read as is. libp2p's internals keep their own `debug` logger and
 * stay behind `DEBUG=libp2p:*`.
 */
import { Writable } from 'node:stream'
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino'
import { formatLogLine } from './format.ts'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]
export type LogFormat = 'auto' | 'json' | 'pretty'

export interface Logger {
  error: (msg: string, fields?: Record<string, unknown>) => void
  warn: (msg: string, fields?: Record<string, unknown>) => void
  info: (msg: string, fields?: Record<string, unknown>) => void
  debug: (msg: string, fields?: Record<string, unknown>) => void
  /** A logger whose lines carry `component: name`, e.g. `cpnet:rpc`. */
  forComponent: (name: string) => Logger
}

export interface LoggerInit {
  level?: LogLevel
  format?: LogFormat
  /** Where lines go; stderr by default. Tests pass a stream to read them back. */
  destination?: NodeJS.WritableStream
}

/** Turns pino's JSON lines into `12:00:01.123 INFO  cpnet:rpc  message key=value`. */
function prettyStream (out: NodeJS.WritableStream): DestinationStream {
  return new Writable({
    write (chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') out.write(formatLogLine(line) + '\n')
      }
      done()
    }
  })
}

/** Children are always made from the root, so a component name replaces the parent's instead of repeating the key. */
function wrap (root: PinoLogger, component: string): Logger {
  const base = root.child({ component })
  return {
    error: (msg, fields) => { base.error(fields ?? {}, msg) },
    warn: (msg, fields) => { base.warn(fields ?? {}, msg) },
    info: (msg, fields) => { base.info(fields ?? {}, msg) },
    debug: (msg, fields) => { base.debug(fields ?? {}, msg) },
    forComponent: (name) => wrap(root, name)
  }
}

export function createLogger (init: LoggerInit = {}): Logger {
  const out = init.destination ?? process.stderr
  const isTerminal = (out as { isTTY?: boolean }).isTTY === true
  const pretty = init.format === 'pretty' || (init.format !== 'json' && isTerminal)
  const destination = pretty ? prettyStream(out) : (out as DestinationStream)
  return wrap(pino({ level: init.level ?? 'info', base: undefined }, destination), 'cpnet')
}

/** Errors a write to a stream whose reader has gone away ends in. */

/** A logger that drops everything, for library callers and tests that do not read logs. */
export function silentLogger (): Logger {
  return createLogger({ level: 'silent' })
}
