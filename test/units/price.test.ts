import { describe, expect, it } from 'vitest'
import { formatAmount, formatPrice, parsePriceText, unitsText } from '../../src/units/price.ts'

describe('prices as people read them', () => {
  it('writes micro-units as the exact decimal the CLI takes', () => {
    expect(unitsText(3_000_000)).toBe('3')
    expect(unitsText(2_500_000n)).toBe('2.5')
    expect(unitsText(1)).toBe('0.000001')
    expect(unitsText(0)).toBe('0')
    expect(unitsText(Number.MAX_SAFE_INTEGER)).toBe('9007199254.740991')
    expect(formatAmount(1_500_000, 'USD')).toBe('1.5 USD')
    expect(formatPrice(3_000_000n, 'USD')).toBe('3 USD/GPU-h')
  })

  it('reads back what it writes', () => {
    for (const micros of [1, 290_000, 2_500_000, 123_456_789]) {
      expect(parsePriceText(unitsText(micros)).microsPerGpuHour).toBe(micros)
    }
  })
})
