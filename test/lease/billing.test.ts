import { describe, expect, it } from 'vitest'
import { leaseUsage } from '../../src/lease/billing.ts'

describe('what an ended lease used and owes', () => {
  const terms = { gpus: 2, microsPerGpuHour: 2_500_000, start: 1_000_000, end: 1_000_000 + 3600_000 }

  it('prorates to the second: a second begun counts, the amount is rounded half up to a micro-unit', () => {
    // 90 s on 2 GPUs at 2.5/GPU-h: 2 × 2.5 × 90 / 3600 = 0.125
    expect(leaseUsage(terms, terms.start + 90_000)).toEqual({ seconds: 90, gpuHours: 0.05, amountDueMicros: 125_000n })
    expect(leaseUsage(terms, terms.start + 89_001).seconds).toBe(90)
    // 1 s on 1 GPU at 1 micro-unit/GPU-h is 1/3600 of a micro-unit: rounds to 0; 1800 s is exactly one half: rounds up
    expect(leaseUsage({ ...terms, gpus: 1, microsPerGpuHour: 1 }, terms.start + 1000).amountDueMicros).toBe(0n)
    expect(leaseUsage({ ...terms, gpus: 1, microsPerGpuHour: 1 }, terms.start + 1800_000).amountDueMicros).toBe(1n)
  })

  it('never bills past the agreed end nor before the start', () => {
    expect(leaseUsage(terms, terms.end + 60_000)).toEqual({ seconds: 3600, gpuHours: 2, amountDueMicros: 5_000_000n })
    expect(leaseUsage(terms, terms.start - 5000)).toEqual({ seconds: 0, gpuHours: 0, amountDueMicros: 0n })
  })
})
