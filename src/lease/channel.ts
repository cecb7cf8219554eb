/**
 * One lease stream: length-prefixed LeaseMessage frames with a size cap and a
 * deadline on every step, so a peer that stalls or floods is cut off. A
 * transport failure comes out as LeaseTimeoutError or LeaseStreamError, named
 * for what was being done, never as a bare stream error.
 */
import type { Stream } from '@libp2p/interface'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import { LEASE_FRAME_MAX_BYTES, STEP_TIMEOUT_MS } from './constants.ts'
import { LeaseProtocolError, LeaseStreamError, LeaseTimeoutError } from './errors.ts'
import { LeaseMessage } from './pb/lease.ts'

export type LeaseBody = keyof LeaseMessage

export class LeaseChannel {
  readonly stream: Stream
  private readonly lp: LengthPrefixedStream<Stream>
  private readonly stepTimeoutMs: number

  constructor (stream: Stream, stepTimeoutMs = STEP_TIMEOUT_MS) {
    this.stream = stream
    this.lp = lpStream(stream, { maxDataLength: LEASE_FRAME_MAX_BYTES })
    this.stepTimeoutMs = stepTimeoutMs
  }

  async send (message: LeaseMessage): Promise<void> {
    try {
      await this.lp.write(LeaseMessage.encode(message), { signal: AbortSignal.timeout(this.stepTimeoutMs) })
    } catch (err) {
      throw streamFailure(err, `sending ${bodyOf(message)}`, this.stepTimeoutMs)
    }
  }

  /** The next frame, which must carry exactly one body. `timeoutMs` overrides the step deadline. */
  async receive (timeoutMs = this.stepTimeoutMs): Promise<LeaseMessage> {
    let frame
    try {
      frame = await this.lp.read({ signal: AbortSignal.timeout(timeoutMs) })
    } catch (err) {
      throw streamFailure(err, 'waiting for the next lease message', timeoutMs)
    }
    let message: LeaseMessage
    try {
      message = LeaseMessage.decode(frame)
    } catch (err) {
      throw new LeaseProtocolError(`malformed lease frame: ${(err as Error).message}`)
    }
    const bodies = bodiesOf(message)
    if (bodies.length !== 1) throw new LeaseProtocolError(`a lease frame carries one message, this one ${bodies.length}`)
    return message
  }

  async close (): Promise<void> {
    await this.stream.close({ signal: AbortSignal.timeout(this.stepTimeoutMs) }).catch(err => { this.stream.abort(err as Error) })
  }

  abort (err: Error): void {
    this.stream.abort(err)
  }
}

function bodiesOf (message: LeaseMessage): LeaseBody[] {
  return (Object.keys(message) as LeaseBody[]).filter(k => message[k] != null)
}

function bodyOf (message: LeaseMessage): string {
  return bodiesOf(message)[0] ?? 'a frame'
}

/** A transport failure (deadline, reset, closed stream, oversize frame) as a lease error naming the step. */
export function streamFailure (err: unknown, doing: string, timeoutMs: number): Error {
  const e = err as Error
  if (e.name === 'TimeoutError') return new LeaseTimeoutError(`no progress ${doing} within ${timeoutMs} ms`, { cause: err })
  return new LeaseStreamError(`the lease stream failed while ${doing}: ${e.message}`, { cause: err })
}
