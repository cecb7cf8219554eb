import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { NvidiaSmiError, detectGpus, parseNvidiaSmi, poolsFromGpus } from '../../src/inventory/nvidia-smi.ts'
import { resourceClass } from '../../src/inventory/classes.ts'

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'nvidia-smi', name), 'utf8')

describe('nvidia-smi parser on recorded outputs', () => {
  it.each([
    ['h100-8x.csv', 'h100-80gb-hbm3', 'NVIDIA H100 80GB HBM3', 8, 81559, 'gpu/nvidia/h100-80gb-hbm3', 'pcie'],
    ['a100-sxm4-8x.csv', 'a100-sxm4-80gb', 'NVIDIA A100-SXM4-80GB', 8, 81920, 'gpu/nvidia/a100-sxm4-80gb', 'nvlink'],
    ['rtx4090-2x.csv', 'geforce-rtx-4090', 'NVIDIA GeForce RTX 4090', 2, 24564, 'gpu/nvidia/geforce-rtx-4090', 'pcie'],
    ['l40s-4x.csv', 'l40s', 'NVIDIA L40S', 4, 46068, 'gpu/nvidia/l40s', 'pcie']
  ])('%s gives one pool', (file, name, model, gpus, mib, cls, interconnect) => {
    const pools = poolsFromGpus(parseNvidiaSmi(fixture(file)))
    expect(pools).toEqual([{ name, vendor: 'nvidia', model, gpus, gpuMemoryMib: mib, interconnect }])
    expect(resourceClass('nvidia', model)).toBe(cls)
  })

  it('a host with mixed models gives one pool per model', () => {
    const pools = poolsFromGpus(parseNvidiaSmi(fixture('mixed.csv')))
    expect(pools.map(p => [p.name, p.gpus, p.gpuMemoryMib])).toEqual([
      ['geforce-rtx-4090', 2, 24564], ['rtx-a6000', 1, 49140], ['tesla-t4', 1, 15360]
    ])
  })

  it('empty output means no GPUs', () => {
    expect(parseNvidiaSmi(fixture('empty.csv'))).toEqual([])
  })

  it.each(['garbage.csv', 'not-available.csv'])('%s is an error naming the line', (file) => {
    expect(() => parseNvidiaSmi(fixture(file))).toThrow(NvidiaSmiError)
    expect(() => parseNvidiaSmi(fixture(file))).toThrow(/line 1/)
  })

  it('a GPU listed twice is an error', () => {
    const line = fixture('l40s-4x.csv').split('\n')[0] as string
    expect(() => parseNvidiaSmi(`${line}\n${line}\n`)).toThrow(/twice/)
  })

  it('a present nvidia-smi that cannot talk to the driver (exit 9) is an error carrying the exit code and its message', async () => {
    const command = join(import.meta.dirname, '..', 'fixtures', 'nvidia-smi', 'failing-driver')
    const failure = detectGpus(command)
    await expect(failure).rejects.toThrow(NvidiaSmiError)
    await expect(failure).rejects.toThrow(`${command} exited with code 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.`)
  })

  it('a missing binary means no GPUs; a failing one is an error', async () => {
    expect(await detectGpus('cpnet-no-such-nvidia-smi')).toEqual([])
    await expect(detectGpus('nvidia-smi', async () => { throw Object.assign(new Error('exit 9'), { code: 9 }) })).rejects.toThrow(NvidiaSmiError)
  })
})
