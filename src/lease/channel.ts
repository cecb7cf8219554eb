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
import { oneofMembersIn } from './oneof.ts'

export type LeaseBody = keyof LeaseMessage

/** The field numbers of LeaseMessage's `body` oneof (proto/lease.proto): request = 1 … ended = 10. */
const LEASE_BODY_FIELDS: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])

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

  /** The next frame, which must carry exactly one body field, once. `timeoutMs` overrides the step deadline. */
  async receive (timeoutMs = this.stepTimeoutMs): Promise<LeaseMessage> {
    let frame
    try {
      frame = (await this.lp.read({ signal: AbortSignal.timeout(timeoutMs) })).subarray()
    } catch (err) {
      throw streamFailure(err, 'waiting for the next lease message', timeoutMs)
    }
    let bodies: number[]
    let message: LeaseMessage
    try {
      // counted on the raw fields: the decoder would keep one of two bodies and hide the other
      bodies = oneofMembersIn(frame, LEASE_BODY_FIELDS)
      message = LeaseMessage.decode(frame)
    } catch (err) {
      throw new LeaseProtocolError(`malformed lease frame: ${(err as Error).message}`)
    }
    if (bodies.length !== 1) throw new LeaseProtocolError(`a lease frame carries exactly one body, this one ${bodies.length} (fields ${bodies.join(', ') || 'none'})`)
    return message
  }

  async close (): Promise<void> {
    await this.stream.close({ signal: AbortSignal.timeout(this.stepTimeoutMs) }).catch(err => { this.stream.abort(err as Error) })
  }

  abort (err: Error): void {
    this.stream.abort(err)
  }
}

function bodyOf (message: LeaseMessage): string {
  return (Object.keys(message) as LeaseBody[]).find(k => message[k] != null) ?? 'a frame'
}

/** A transport failure (deadline, reset, closed stream, oversize frame) as a lease error naming the step. */
export function streamFailure (err: unknown, doing: string, timeoutMs: number): Error {
  const e = err as Error
  if (e.name === 'TimeoutError') return new LeaseTimeoutError(`no progress ${doing} within ${timeoutMs} ms`, { cause: err })
  return new LeaseStreamError(`the lease stream failed while ${doing}: ${e.message}`, { cause: err })
}
