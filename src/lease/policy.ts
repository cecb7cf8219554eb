/**
 * The provider's negotiation policy: a list price, a floor it never goes
 * below, and a bounded number of counter rounds in which it concedes half the
 * gap each time. Prices are integer millionths per GPU-hour (bigint).
 */
import { formatPrice } from '../units/price.ts'

export interface PricePolicy {
  /** The currency of every price here, for the texts a person reads. */
  currency: string
  listMicros: bigint
  floorMicros: bigint
  maxCounterRounds: number
}

export type PolicyAnswer = { price: bigint } | { reject: string }

/** A consumer's maximum at or above the list price pays the list price; between floor and list, its maximum. */
export function openingPrice (policy: PricePolicy, maxMicros: bigint): PolicyAnswer {
  if (maxMicros < policy.floorMicros) {
    return { reject: `the most you pay (${formatPrice(maxMicros, policy.currency)}) is below what this pool is leased for` }
  }
  return { price: maxMicros < policy.listMicros ? maxMicros : policy.listMicros }
}

/**
 * Answers a counter-offer after `round` earlier counters. The provider meets
 * the consumer halfway (never below the floor); in the last allowed round it
 * settles at the counter or the floor, whichever is higher; after that it
 * refuses to haggle further.
 */
export function answerCounter (policy: PricePolicy, quoted: bigint, counter: bigint, round: number): PolicyAnswer {
  if (round >= policy.maxCounterRounds) return { reject: 'no counter-offer rounds left' }
  if (counter >= quoted) return { price: quoted }
  const floor = policy.floorMicros
  if (round === policy.maxCounterRounds - 1) return { price: counter > floor ? counter : floor }
  const halfway = (quoted + counter + 1n) / 2n
  return { price: halfway > floor ? halfway : floor }
}
