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
    const found = parseNvidiaSmi(fixture(file))
    const pools = poolsFromGpus(found)
    const devices = found.map(g => ({ index: g.index, uuid: g.uuid, pciBusId: g.pciBusId }))
    expect(pools).toEqual([{ name, vendor: 'nvidia', model, gpus, gpuMemoryMib: mib, interconnect, devices }])
    expect(devices.map(d => d.index)).toEqual([...Array(gpus).keys()])
    expect(resourceClass('nvidia', model)).toBe(cls)
  })

  it('reads each GPU\'s index, UUID and PCI bus id', () => {
    expect(parseNvidiaSmi(fixture('h100-8x.csv')).slice(0, 2)).toEqual([
      { index: 0, uuid: 'GPU-6513270e-269e-0d37-f2a7-4de452e6b438', name: 'NVIDIA H100 80GB HBM3', memoryMib: 81559, pciBusId: '00000000:18:00.0' },
      { index: 1, uuid: 'GPU-d23f0824-128b-2f33-0c5c-7fd0a6a3a450', name: 'NVIDIA H100 80GB HBM3', memoryMib: 81559, pciBusId: '00000000:2A:00.0' }
    ])
  })

  it('a pool\'s devices are its model\'s GPUs in index order, whatever order nvidia-smi prints them in', () => {
    const lines = fixture('mixed.csv').trim().split('\n').reverse().join('\n')
    const pools = poolsFromGpus(parseNvidiaSmi(lines))
    expect(pools.find(p => p.name === 'geforce-rtx-4090')?.devices).toEqual([
      { index: 0, uuid: 'GPU-4cdd2055-930d-6eaf-14f4-733f3e7d1bfb', pciBusId: '00000000:01:00.0' },
      { index: 2, uuid: 'GPU-9be4bcfc-49b6-4a08-72e6-cc3ababced20', pciBusId: '00000000:41:00.0' }
    ])
  })

  it('takes exactly the fields it asked for: a line without the PCI bus id, or with a bad one, is an error', () => {
    const line = fixture('l40s-4x.csv').split('\n')[0] as string
    const withoutBus = line.split(', ').slice(0, 4).join(', ')
    expect(() => parseNvidiaSmi(withoutBus)).toThrow(/expected 5 comma-separated fields \(index, uuid, name, memory.total, pci.bus_id\), got 4/)
    expect(() => parseNvidiaSmi(`${withoutBus}, [N/A]`)).toThrow(/not a PCI bus id/)
    expect(() => parseNvidiaSmi(`${line}, extra`)).toThrow(/got 6/)
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
    const [first, second] = fixture('l40s-4x.csv').split('\n') as [string, string]
    expect(() => parseNvidiaSmi(`${first}\n${first}\n`)).toThrow(/twice/)
    // the same PCI address under two indices
    const sameBus = second.replace(/[^ ]+$/, first.split(', ')[4] as string)
    expect(() => parseNvidiaSmi(`${first}\n${sameBus}\n`)).toThrow(/twice \(a repeated pciBusId\)/)
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
