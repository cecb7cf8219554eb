import { describe, expect, it } from 'vitest'
import { answerCounter, openingPrice, type PricePolicy } from '../../src/lease/policy.ts'

const policy: PricePolicy = { currency: 'USD', listMicros: 2_000_000n, floorMicros: 1_500_000n, maxCounterRounds: 3 }

describe('negotiation policy', () => {
  it.each([
    [3_000_000n, { price: 2_000_000n }],
    [2_000_000n, { price: 2_000_000n }],
    [1_700_000n, { price: 1_700_000n }],
    [1_500_000n, { price: 1_500_000n }]
  ])('opens at the list price or the consumer maximum below it (%s)', (max, answer) => {
    expect(openingPrice(policy, max)).toEqual(answer)
  })

  it('refuses a maximum below the floor', () => {
    // the price as a person types it, not micro-units
    expect(openingPrice(policy, 1_499_999n)).toEqual({ reject: 'the most you pay (1.499999 USD/GPU-h) is below what this pool is leased for' })
  })

  it('concedes half the gap per round, never below the floor, settles in the last round, then refuses', () => {
    expect(answerCounter(policy, 2_000_000n, 1_900_000n, 0)).toEqual({ price: 1_950_000n })
    expect(answerCounter(policy, 1_950_000n, 1_800_000n, 1)).toEqual({ price: 1_875_000n })
    expect(answerCounter(policy, 2_000_000n, 1_000_000n, 0)).toEqual({ price: 1_500_000n })
    expect(answerCounter(policy, 1_875_000n, 1_600_000n, 2)).toEqual({ price: 1_600_000n })
    expect(answerCounter(policy, 1_875_000n, 1_000_000n, 2)).toEqual({ price: 1_500_000n })
    expect(answerCounter(policy, 1_500_000n, 1_500_000n, 3)).toHaveProperty('reject')
    expect(answerCounter(policy, 1_800_000n, 1_900_000n, 1)).toEqual({ price: 1_800_000n })
  })

  it('refuses every counter when no rounds are allowed', () => {
    expect(answerCounter({ ...policy, maxCounterRounds: 0 }, 2_000_000n, 1_900_000n, 0)).toHaveProperty('reject')
  })
})
