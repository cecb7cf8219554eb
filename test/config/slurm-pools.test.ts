/**
 * Slurm pools as an operator declares them: a slurm section naming the
 * partition, the slurm provisioner (its default), no device list and no
 * required size; every other pool states its GPUs. Each mistake is refused
 * where it is made, config.json or provider_addPool, naming the field.
 */
import { describe, expect, it } from 'vitest'
import { applyPatches, readDefaults, validateConfig } from '../../src/config/load.ts'
import { ConfigError } from '../../src/config/errors.ts'

const SLURM_POOL = { name: 'a100', model: 'NVIDIA A100-SXM4-80GB', gpuMemoryMib: 81920, slurm: { partition: 'a100' } }

function issues (patch: Record<string, unknown>): Array<[string, string]> {
  try {
    validateConfig(applyPatches(readDefaults(), patch))
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).issues.map(i => [i.field, i.problem])
  }
  return []
}

describe('Slurm pools in config.json', () => {
  it('takes a pool with a partition and no size, and a cap, a GRES type, a feature and an account', () => {
    expect(issues({ provider: { pools: [SLURM_POOL] } })).toEqual([])
    expect(issues({ provider: { pools: [{ ...SLURM_POOL, gpus: 16, provisioner: 'slurm', slurm: { partition: 'a100', gresType: 'a100', feature: 'ib', account: 'cpnet' } }] } })).toEqual([])
  })

  it('refuses what cannot stand, naming the field', () => {
    expect(issues({ provider: { pools: [{ ...SLURM_POOL, slurm: undefined }] } })).toEqual([['provider.pools.0.gpus', 'is required (only a Slurm pool takes its size from the cluster)']])
    expect(issues({ provider: { pools: [{ ...SLURM_POOL, slurm: undefined, gpus: 2, provisioner: 'slurm' }] } })).toEqual([['provider.pools.0.slurm', 'is required for a pool with provisioner "slurm": it names the partition']])
    expect(issues({ provider: { pools: [{ ...SLURM_POOL, provisioner: 'ssh' }] } })).toEqual([['provider.pools.0.provisioner', 'is "ssh", but a pool with a slurm section hands its leases over through Slurm ("slurm")']])
    expect(issues({ provider: { pools: [{ ...SLURM_POOL, gpus: 1, devices: [{ index: 0 }] }] } })).toEqual([['provider.pools.0.devices', 'cannot be listed for a Slurm pool: Slurm picks the GPUs of each lease']])
    expect(issues({ provider: { pools: [{ ...SLURM_POOL, slurm: { partition: 'a b' } }] } })).toEqual([['provider.pools.0.slurm.partition', expect.any(String)]])
    expect(issues({ provider: { pools: [{ ...SLURM_POOL, slurm: { partition: 'a100', qos: 'high' } }] } })).toEqual([['provider.pools.0.slurm.qos', expect.any(String)]])
  })

  it('keeps the two provisioners\' accounts apart', () => {
    expect(issues({ lease: { slurm: { userPrefix: 'cpl' } } })).toEqual([['lease.slurm.userPrefix', 'is lease.ssh.userPrefix too ("cpl"): the two provisioners\' accounts must be told apart']])
  })
})
