/**
 * One lease stream: length-prefixed LeaseMessage frames with a size cap and a
 * deadline on every read, so a peer that stalls or floods is cut off.
 */
import type { Stream } from '@libp2p/interface'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import { LEASE_FRAME_MAX_BYTES, STEP_TIMEOUT_MS } from './constants.ts'
import { LeaseProtocolError } from './errors.ts'
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
    await this.lp.write(LeaseMessage.encode(message), { signal: AbortSignal.timeout(this.stepTimeoutMs) })
  }

  /** The next frame, which must carry exactly one body. `timeoutMs` overrides the step deadline. */
  async receive (timeoutMs = this.stepTimeoutMs): Promise<LeaseMessage> {
    const frame = await this.lp.read({ signal: AbortSignal.timeout(timeoutMs) })
    let message: LeaseMessage
    try {
      message = LeaseMessage.decode(frame)
    } catch (err) {
      throw new LeaseProtocolError(`malformed lease frame: ${(err as Error).message}`)
    }
    const bodies = (Object.keys(message) as LeaseBody[]).filter(k => message[k] != null)
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
