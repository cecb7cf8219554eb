/**
 * Price arguments of the CLI: the text as src/units/price.ts reads it, as a
 * commander parser (a bad price is refused before the command runs, as a
 * usage error, like a bad duration), and the currency settled when none was
 * typed.
 */
import { InvalidArgumentError } from 'commander'
import { parsePriceText, type PriceText } from '../units/price.ts'

/** The parser of price options and arguments: "2.5", "2.5 USD" → micro-units and the currency written, if any. */
export function priceText (text: string): PriceText {
  try {
    return parsePriceText(text)
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message)
  }
}

/** A price with its currency settled: the one typed, else `currency`, else USD. */
export function settleCurrency (price: PriceText, currency: string | undefined): { microsPerGpuHour: number, currency: string } {
  return { microsPerGpuHour: price.microsPerGpuHour, currency: price.currency ?? currency?.toUpperCase() ?? 'USD' }
}
