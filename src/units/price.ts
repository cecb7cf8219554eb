/**
 * Prices as people read and type them. The wire, the ledger and the RPC keep
 * integer micro-units (millionths of the currency unit per GPU-hour); every
 * text a person reads or types goes through here, so that an error, a table
 * and a `--max-price` argument all spell a price the same way: "2.5", "2.5 USD",
 * "2.5 USD/GPU-h". Conversions are exact (no floating point on the way).
 */

const MICROS_DIGITS = 6
export const MICROS_PER_UNIT = 10 ** MICROS_DIGITS
const MICROS_PER_UNIT_BIG = BigInt(MICROS_PER_UNIT)

/** Nine digits of units: with six decimals the micro-units stay below 2^53, so the arithmetic is exact. */
const PRICE_TEXT = new RegExp(`^(\\d{1,9})(?:\\.(\\d{1,${MICROS_DIGITS}}))?\\s*([A-Za-z][A-Za-z0-9]{2,7})?$`)

export interface PriceText {
  microsPerGpuHour: number
  /** Upper case; absent when none was written. */
  currency?: string
}

/** "2.5", "2.5 USD", "0.35CNY" → micro-units (and the currency when one was written). */
export function parsePriceText (text: string): PriceText {
  const match = PRICE_TEXT.exec(text.trim())
  if (match == null) {
    throw new Error(`"${text}" is not a price: units per GPU-hour with at most ${MICROS_DIGITS} decimals and an optional currency, e.g. 2.5 or "2.5 USD"`)
  }
  const [, units = '0', fraction = '', currency] = match
  const microsPerGpuHour = Number(units) * MICROS_PER_UNIT + Number(fraction.padEnd(MICROS_DIGITS, '0'))
  return currency != null ? { microsPerGpuHour, currency: currency.toUpperCase() } : { microsPerGpuHour }
}

/** 2500000 → "2.5", 1 → "0.000001", 3000000 → "3": the decimal as the CLI takes it, exact for any integer. */
export function unitsText (micros: number | bigint): string {
  const value = BigInt(micros)
  const abs = value < 0n ? -value : value
  const fraction = (abs % MICROS_PER_UNIT_BIG).toString().padStart(MICROS_DIGITS, '0').replace(/0+$/, '')
  return `${value < 0n ? '-' : ''}${abs / MICROS_PER_UNIT_BIG}${fraction !== '' ? `.${fraction}` : ''}`
}

/** An amount of money: 2500000 USD → "2.5 USD". */
export function formatAmount (micros: number | bigint, currency: string): string {
  return `${unitsText(micros)} ${currency}`
}

/** A price per GPU-hour, as every message shows it: 3000000 USD → "3 USD/GPU-h". */
export function formatPrice (microsPerGpuHour: number | bigint, currency: string): string {
  return `${formatAmount(microsPerGpuHour, currency)}/GPU-h`
}
