/** How people type prices and durations on the command line, and how they are shown. */

export const MICROS_PER_UNIT = 1_000_000

export interface PriceInput {
  microsPerGpuHour: number
  currency: string
}

/** `2.5`, `2.5 USD` or `2.5USD` per GPU-hour → integer millionths; the currency defaults to `defaultCurrency`. */
export function parsePrice (text: string, defaultCurrency: string): PriceInput {
  const m = /^\s*(\d+(?:\.\d{1,6})?)\s*([A-Za-z][A-Za-z0-9]{2,7})?\s*$/.exec(text)
  if (m == null) throw new Error(`not a price: "${text}" (e.g. 2.5 or "2.5 USD", per GPU-hour, up to 6 decimals)`)
  const [whole, fraction = ''] = (m[1] as string).split('.')
  return {
    microsPerGpuHour: Number(whole) * MICROS_PER_UNIT + Number(fraction.padEnd(6, '0')),
    currency: (m[2] ?? defaultCurrency).toUpperCase()
  }
}

export function formatPrice (price: PriceInput): string {
  return `${price.microsPerGpuHour / MICROS_PER_UNIT} ${price.currency}`
}

const SECONDS_PER: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/** `90`, `90s`, `30m`, `2h`, `1d` → seconds. */
export function parseDuration (text: string): number {
  const m = /^\s*(\d+)\s*([smhd]?)\s*$/.exec(text)
  if (m == null) throw new Error(`not a duration: "${text}" (e.g. 600, 30m, 2h, 1d)`)
  return Number(m[1]) * (SECONDS_PER[m[2] === '' ? 's' : m[2] as string] as number)
}

export function formatTime (ms: number | undefined): string {
  return ms == null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z'
}
