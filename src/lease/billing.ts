/**
 * What an ended lease used and owes, from its agreed terms and when it ended.
 * Prorated to the second: the seconds held are rounded up (a second begun is
 * a second used), capped at the agreed end; the amount due is price × GPUs ×
 * seconds / 3600, rounded half up to an integer micro-unit. Integer arithmetic
 * throughout (bigint), so both peers compute the same amount.
 */
const MS_PER_SEC = 1000
const SEC_PER_HOUR = 3600n
/** gpuHours is a number for display: six decimals, the precision of prices. */
const GPU_HOURS_DECIMALS = 1e6

export interface LeaseUsage {
  seconds: number
  gpuHours: number
  amountDueMicros: bigint
}

export function leaseUsage (terms: { gpus: number, microsPerGpuHour: number, start: number, end: number }, endedAt: number): LeaseUsage {
  const heldMs = Math.min(endedAt, terms.end) - terms.start
  const seconds = Math.max(0, Math.ceil(heldMs / MS_PER_SEC))
  const gpuSeconds = BigInt(terms.gpus) * BigInt(seconds)
  // round half up: (2·x + d) / 2d
  const amountDueMicros = (2n * BigInt(terms.microsPerGpuHour) * gpuSeconds + SEC_PER_HOUR) / (2n * SEC_PER_HOUR)
  return {
    seconds,
    gpuHours: Math.round(terms.gpus * seconds / Number(SEC_PER_HOUR) * GPU_HOURS_DECIMALS) / GPU_HOURS_DECIMALS,
    amountDueMicros
  }
}
