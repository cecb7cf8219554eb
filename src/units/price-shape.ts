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
  microsPerGpuHour: Type.Integer({ description: 'Exact: integer millionths of the currency unit per GPU-hour, as params take it' }),
  currency: Type.String({ description: 'ISO 4217 code or ticker in upper case, e.g. USD' }),
  perGpuHour: Type.String({ description: 'The same price as a decimal string, never rounded, as the CLI takes it (--price 2.5), e.g. "2.5"' })
}, { title: 'Price', description: 'A price per GPU-hour, in one shape in every result (offers, price updates, leases, pools).' })
export type PriceShape = Static<typeof PriceShapeSchema>

export function priceShape (microsPerGpuHour: number | bigint, currency: string): PriceShape {
  return { microsPerGpuHour: Number(microsPerGpuHour), currency, perGpuHour: unitsText(microsPerGpuHour) }
}
