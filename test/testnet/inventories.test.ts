import { describe, expect, it } from 'vitest'
import { applyPatches, readDefaults, readProfile, validateConfig } from '../../src/config/load.ts'
import { nodeConfigFor, sampleInventories } from '../../src/testnet/node-config.ts'

describe('testnet sample inventories', () => {
  it('are at least six, and every provider config built from them is valid', () => {
    expect(sampleInventories().length).toBeGreaterThanOrEqual(6)
    const models = new Set<string>()
    for (let i = 0; i < sampleInventories().length; i++) {
      const { profiles, patch } = nodeConfigFor('provider', i, [])
      const config = validateConfig(applyPatches(readDefaults(), ...profiles.map(readProfile), patch))
      expect(config.provider.pools.length).toBeGreaterThan(0)
      for (const pool of config.provider.pools) models.add(pool.model)
    }
    for (const model of ['H100', 'H200', 'A100', 'L40S', 'RTX 4090']) {
      expect([...models].some(m => m.includes(model)), model).toBe(true)
    }
  })

  it('consumers get no pools', () => {
    expect(nodeConfigFor('consumer', 0, ['/ip4/127.0.0.1/tcp/1/p2p/x']).patch).toEqual({ bootstrap: ['/ip4/127.0.0.1/tcp/1/p2p/x'] })
  })
})
