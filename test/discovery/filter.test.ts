import { describe, expect, it } from 'vitest'
import { FilterSyntaxError } from '../../src/discovery/errors.ts'
import { matches, parseFilter, searchKey } from '../../src/discovery/filter.ts'
import type { Offer } from '../../src/discovery/pb/offer.ts'

const offer: Offer = {
  cpi: 'cpi:x/p', seq: 1n, issuedAt: 1n, expiresAt: 2n, region: 'cn-east-1', labels: ['spot', 'tier:gold'],
  resource: { vendor: 'nvidia', model: 'NVIDIA GeForce RTX 4090', class: 'gpu/nvidia/geforce-rtx-4090', gpuMemoryMib: 24564, totalGpus: 4, availableGpus: 3, interconnect: 'pcie', cpuCores: 32, ramGib: 128, diskGib: 2000, bandwidthMbps: 1000 },
  price: { microsPerGpuHour: 1_100_000n, currency: 'USD' }, minLeaseSec: 60, maxLeaseSec: 3600, addrs: [], withdrawn: false
}

describe('filter language', () => {
  it.each([
    ['', true], ['gpus>=3', true], ['gpus>3', false], ['total_gpus=4', true], ['gpu_mem>=24', true], ['gpu_mem>=25', false],
    ['price<=1.1', true], ['price<1.1', false], ['currency=usd', true], ['region=cn-east-1', true], ['region!=cn-east-1', false],
    ['label=spot', true], ['label=tier:gold', true], ['label!=spot', false], ['label=reserved', false],
    ['model=rtx-4090', true], ['model="RTX 4090"', true], ['model=4090', true], ['model=409', false], ['model=geforce', true],
    ['class=gpu/nvidia/geforce-rtx-4090', true], ['class=GPU/NVIDIA/GEFORCE-RTX-4090', true], ['vendor=amd', false],
    ['interconnect=pcie cpu_cores>=32 ram>=128 disk>=2000 bandwidth>=1000', true], ['gpus>=1 region=us-west-2', false]
  ])('%j matches: %s', (text, expected) => {
    expect(matches(parseFilter(text), offer)).toBe(expected)
  })

  it.each([
    ['gpu_ram>=40', 'gpu_ram', /unknown field "gpu_ram"/],
    ['gpus>=four', 'gpus', /not a non-negative number/],
    ['price<=-1', 'price', /not a non-negative number/],
    ['region>=cn', 'region', /takes = or !=/],
    ['gpus', 'gpus', /not field<op>value/],
    ['gpus>=', 'gpus', /needs a value/],
    ['model="rtx', '', /unterminated/]
  ])('%j is an error naming %j', (text, field, message) => {
    try {
      parseFilter(text)
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(FilterSyntaxError)
      expect((err as FilterSyntaxError).field).toBe(field)
      expect((err as Error).message).toMatch(message)
    }
  })

  it('searches under the class a filter pins, else its region, else all', () => {
    expect(searchKey(parseFilter('class=gpu/nvidia/l40s region=eu-1'))).toBe('cpnet/v1/class/gpu/nvidia/l40s')
    expect(searchKey(parseFilter('region=eu-1 gpus>=2'))).toBe('cpnet/v1/region/eu-1')
    expect(searchKey(parseFilter('region!=eu-1 model=h100'))).toBe('cpnet/v1/all')
  })
})
