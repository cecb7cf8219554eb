/**
 * Prices as people type them: "2.5", "2.5 USD", "0.35CNY". Converted to
 * integer micro-units exactly (no floating point on the way), so "0.000001"
 * is 1 and "2.5" is 2500000.
 */
const MICROS_DIGITS = 6
/** Nine digits of units: with six decimals the micro-units stay below 2^53, so the arithmetic is exact. */
const PRICE_TEXT = new RegExp(`^(\\d{1,9})(?:\\.(\\d{1,${MICROS_DIGITS}}))?\\s*([A-Za-z][A-Za-z0-9]{2,7})?$`)

export interface PriceText {
  microsPerGpuHour: number
  /** Upper case; absent when none was written. */
  currency?: string
}

export function parsePriceText (text: string): PriceText {
  const match = PRICE_TEXT.exec(text.trim())
  if (match == null) {
    throw new Error(`"${text}" is not a price: units per GPU-hour with at most ${MICROS_DIGITS} decimals and an optional currency, e.g. 2.5 or "2.5 USD"`)
  }
  const [, units = '0', fraction = '', currency] = match
  const microsPerGpuHour = Number(units) * 10 ** MICROS_DIGITS + Number(fraction.padEnd(MICROS_DIGITS, '0'))
  return currency != null ? { microsPerGpuHour, currency: currency.toUpperCase() } : { microsPerGpuHour }
}

/** 2500000 USD → "2.5 USD". */
export function formatPrice (microsPerGpuHour: number, currency: string): string {
  return `${microsPerGpuHour / 10 ** MICROS_DIGITS} ${currency}`
}

/** A price with its currency settled: the one typed, else `currency`, else USD. */
export function priceArg (text: string, currency: string | undefined): { microsPerGpuHour: number, currency: string } {
  const parsed = parsePriceText(text)
  return { microsPerGpuHour: parsed.microsPerGpuHour, currency: parsed.currency ?? currency?.toUpperCase() ?? 'USD' }
}
