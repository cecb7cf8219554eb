/**
 * Price arguments of the CLI: the text as src/units/price.ts reads it, with
 * the currency settled when none was typed.
 */
import { parsePriceText } from '../units/price.ts'

/** A price with its currency settled: the one typed, else `currency`, else USD. */
export function priceArg (text: string, currency: string | undefined): { microsPerGpuHour: number, currency: string } {
  const parsed = parsePriceText(text)
  return { microsPerGpuHour: parsed.microsPerGpuHour, currency: parsed.currency ?? currency?.toUpperCase() ?? 'USD' }
}
