/**
 * The gossipsub topic validator of /cpnet/prices/1.0.0: the one door into
 * the price book. Every message is judged, and an accepted update is admitted
 * to the book in the same step, so two copies racing through validation can
 * never both count.
 *
 * Reject (the propagation source's score pays for it) for what no honest
 * node relays: an unsigned message, bytes that are not a SignedPriceUpdate,
 * fields out of range, a CPI whose PeerId is not the message's signer, a bad
 * inner signature, a clock skewed into the future. Ignore (no penalty) for
 * what an honest relay can deliver: a seq at or below the last one seen (an
 * older copy arriving by a slower path) and an update that expired on the way.
 */
import { TopicValidatorResult, type Message, type TopicValidatorFn } from '@libp2p/gossipsub'
import type { Logger } from '../log/logger.ts'
import type { PriceBook } from './book.ts'
import { InvalidPriceUpdateError, type PriceUpdateRejection } from './errors.ts'
import { verifyPriceUpdate, type VerifiedPriceUpdate } from './message.ts'

/** A signed record's reasons ('stale-seq' among them: the book holds a newer update), and a message without a gossipsub signature. */
export type PriceVerdictReason = PriceUpdateRejection | 'unsigned'

export type PriceVerdict =
  | { result: TopicValidatorResult.Accept, update: VerifiedPriceUpdate }
  | { result: TopicValidatorResult.Reject | TopicValidatorResult.Ignore, reason: PriceVerdictReason, message: string }

/** What each refusal costs the peer that sent it. */
const IGNORED: ReadonlySet<PriceVerdictReason> = new Set(['stale-seq', 'expired'])

function refuse (reason: PriceVerdictReason, message: string): PriceVerdict {
  return { result: IGNORED.has(reason) ? TopicValidatorResult.Ignore : TopicValidatorResult.Reject, reason, message }
}

/** Judges one gossipsub message against the book, and admits it when accepted. */
export async function judgePriceMessage (msg: Message, book: PriceBook, now = Date.now()): Promise<PriceVerdict> {
  if (msg.type !== 'signed') return refuse('unsigned', 'the message carries no signer')
  let verified: VerifiedPriceUpdate
  try {
    verified = await verifyPriceUpdate(msg.data, { now, signer: msg.from })
  } catch (err) {
    if (err instanceof InvalidPriceUpdateError) return refuse(err.reason, err.message)
    throw err
  }
  const last = book.lastSeq(verified.update.cpi)
  if (!book.admit(verified)) return refuse('stale-seq', `seq ${verified.seq} of ${verified.update.cpi} is not above ${last ?? '?'}`)
  return { result: TopicValidatorResult.Accept, update: verified }
}

export interface PriceValidatorInit {
  book: PriceBook
  logger: Logger
  /** Told about every refusal (metrics, tests). */
  onRefused?: (verdict: Exclude<PriceVerdict, { result: TopicValidatorResult.Accept }>, from: string) => void
}

export function priceTopicValidator (init: PriceValidatorInit): TopicValidatorFn {
  const log = init.logger.forComponent('cpnet:pricing:validator')
  return async (propagationSource, msg) => {
    const verdict = await judgePriceMessage(msg, init.book)
    if (verdict.result !== TopicValidatorResult.Accept) {
      const from = propagationSource.toString()
      log.debug('price update refused', { from, result: verdict.result, reason: verdict.reason, message: verdict.message })
      init.onRefused?.(verdict, from)
    }
    return verdict.result
  }
}
