/**
 * A node's log: where it is, and `cpnet testnet logs <name> [--follow]`.
 * The file holds the daemon's stdout (the banner) and stderr (pino's JSON
 * lines, since a file is not a terminal); each line is shown as text through
 * the daemon's own formatter, or as written with `raw`. With `follow`, lines
 * appended later are shown as they come (read every FOLLOW_POLL_MS from where the last
 * read stopped, which works on every file system, unlike change events) until `signal` aborts.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import { formatLogLine } from '../log/format.ts'
import { NoTestnetError, UnknownNodeError } from './errors.ts'
import { testnetLayout } from './layout.ts'
import { readState } from './state.ts'

const FOLLOW_POLL_MS = 200
const READ_CHUNK_BYTES = 64 * 1024

export function nodeLogPath (dir: string, name: string): string {
  const layout = testnetLayout(dir)
  const state = readState(layout)
  if (state == null) throw new NoTestnetError(`no testnet in ${layout.root}`)
  const node = state.nodes.find(n => n.name === name)
  if (node == null) throw new UnknownNodeError(`the testnet has no node "${name}" (it has: ${state.nodes.map(n => n.name).join(', ')})`)
  return node.log
}

export interface ReadLogOptions {
  /** Lines as written (pino's JSON) instead of text. */
  raw?: boolean
  /** Keep reading what is appended until `signal` aborts. */
  follow?: boolean
  signal?: AbortSignal
  /** Gets each complete line, without its newline. */
  write: (line: string) => void
}

/** Shows the log at `path` line by line; resolves at its end, or with `follow` once `signal` aborts. */
export async function readLog (path: string, options: ReadLogOptions): Promise<void> {
  const show = options.raw === true ? (line: string) => { options.write(line) } : (line: string) => { options.write(formatLogLine(line)) }
  let position = 0
  let partial = ''
  // keeps a character whose bytes a chunk boundary splits until the rest comes
  let decoder = new StringDecoder('utf8')
  const buffer = Buffer.alloc(READ_CHUNK_BYTES)
  /** Reads from `position` to the current end; a line still being written waits for its newline. */
  const drain = (): void => {
    if (!existsSync(path)) return
    // a log cut shorter (a node started again over it) is read again from its start
    const size = statSync(path).size
    if (size < position) {
      position = 0
      partial = ''
      decoder = new StringDecoder('utf8')
    }
    if (size === position) return
    const fd = openSync(path, 'r')
    try {
      for (let n = readSync(fd, buffer, 0, buffer.length, position); n > 0; n = readSync(fd, buffer, 0, buffer.length, position)) {
        position += n
        const lines = (partial + decoder.write(buffer.subarray(0, n))).split('\n')
        partial = lines.pop() ?? ''
        for (const line of lines) show(line)
      }
    } finally {
      closeSync(fd)
    }
  }
  /** The last line, when it has no newline (yet): shown at the end as it is. */
  const flush = (): void => {
    partial += decoder.end()
    if (partial !== '') show(partial)
  }
  drain()
  if (options.follow !== true) {
    flush()
    return
  }
  const signal = options.signal
  await new Promise<void>(resolve => {
    // a poll that reads from where it stopped, not fs.watchFile: watchFile reports a change against a first
    // stat it takes later, so lines appended before that stat would wait for the next change to show
    const poll = setInterval(drain, FOLLOW_POLL_MS)
    const stop = (): void => {
      clearInterval(poll)
      drain()
      flush()
      resolve()
    }
    if (signal == null) return
    if (signal.aborted) stop()
    else signal.addEventListener('abort', stop, { once: true })
  })
}
