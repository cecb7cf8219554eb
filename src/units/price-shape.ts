/**
 * The price shape of RPC results, apart from the formatter in price.ts: the
 * CLI formats prices on every command and must not load the schema library
 * for it.
 */
import { Type, type Static } from '@sinclair/typebox'
import { unitsText } from './price.ts'

/**
 * The price shape of every RPC result (offers, prices, leases, pools): the
 * exact micro-units and, beside them, the decimal as the CLI takes it.
 */
export const PriceShapeSchema = Type.Object({
  microsPerGpuHour: Type.Integer({ description: 'Millionths of the currency unit per GPU-hour' }),
  currency: Type.String(),
  perGpuHour: Type.String({ description: 'The same price as a decimal string, as the CLI takes it, e.g. "2.5"' })
})
export type PriceShape = Static<typeof PriceShapeSchema>

export function priceShape (microsPerGpuHour: number | bigint, currency: string): PriceShape {
  return { microsPerGpuHour: Number(microsPerGpuHour), currency, perGpuHour: unitsText(microsPerGpuHour) }
}
