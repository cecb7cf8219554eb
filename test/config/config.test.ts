import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { applyPatches, loadConfig, readDefaults, readProfile, validateConfig } from '../../src/config/load.ts'
import { ConfigError } from '../../src/config/errors.ts'
import { ENV_FIELDS } from '../../src/config/env.ts'
import { configReference } from '../../src/config/reference.ts'
import { tempDir } from '../helpers/daemons.ts'

describe('configuration', () => {
  let dir: ReturnType<typeof tempDir>
  beforeEach(() => { dir = tempDir() })
  afterEach(() => { dir.remove() })

  function file (content: unknown): string {
    const path = join(dir.path, 'config.json')
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
    return path
  }

  function issuesOf (fn: () => unknown): ConfigError['issues'] {
    try {
      fn()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      return (err as ConfigError).issues
    }
    throw new Error('expected a ConfigError')
  }

  it('ships valid defaults and profiles', () => {
    expect(() => validateConfig(readDefaults())).not.toThrow()
    expect(readDefaults().rpc).toMatchObject({ host: '127.0.0.1', port: 7780 })
    for (const name of ['test', 'lan', 'client', 'server']) expect(readProfile(name)).toBeTypeOf('object')
  })

  it('a laptop opens no DHT server by default: dht.mode is auto; the server profile (public providers, bootstrap nodes) is a server', () => {
    expect(readDefaults().dht.mode).toBe('auto')
    const server = validateConfig(applyPatches(readDefaults(), readProfile('server')))
    expect(server.dht.mode).toBe('server')
    expect(validateConfig(applyPatches(readDefaults(), readProfile('client'))).dht.mode).toBe('client')
    // loopback and LAN networks have no public address, where auto would leave the DHT without a single server
    for (const name of ['test', 'lan']) expect(validateConfig(applyPatches(readDefaults(), readProfile(name))).dht.mode).toBe('server')
    expect(loadConfig({ env: { CPNET_DHT_MODE: 'auto' } }).dht.mode).toBe('auto')
  })

  it('applies flags over env over file over defaults', () => {
    const path = file({ rpc: { port: 1111, maxBatch: 7 }, log: { level: 'warn' } })
    const config = loadConfig({
      file: path,
      env: { CPNET_RPC_PORT: '2222', CPNET_LOG_LEVEL: 'debug', CPNET_LISTEN: '/ip4/127.0.0.1/tcp/1, /ip4/127.0.0.1/tcp/2' },
      flags: [{ path: 'rpc.port', value: 3333, flag: '--rpc-port' }]
    })
    expect(config.rpc.port).toBe(3333)
    expect(config.log.level).toBe('debug')
    expect(config.rpc.maxBatch).toBe(7)
    expect(config.listen).toEqual(['/ip4/127.0.0.1/tcp/1', '/ip4/127.0.0.1/tcp/2'])
    expect(config.dht.protocol).toBe(readDefaults().dht.protocol)
  })

  it('has an environment variable for every field', () => {
    const names = ENV_FIELDS.map(f => f.variable)
    expect(names).toContain('CPNET_RPC_MAX_BODY_BYTES')
    expect(names).toContain('CPNET_NETWORK_GOSSIP_LOOPBACK_WHITELIST')
    expect(new Set(names).size).toBe(names.length)
  })

  it.each([
    ['not JSON', '{ "rpc": { "port": 1 ', '', /not valid JSON/],
    ['not an object', '[1, 2]', '', /must hold a JSON object/],
    ['a wrong type', { rpc: { port: 'seven' } }, 'rpc.port', /^TCP port; 0 lets the OS choose: expected a whole number from 0 to 65535, got "seven"$/],
    ['a port out of range', { rpc: { port: 70000 } }, 'rpc.port', /65535/],
    ['an unknown field', { rpc: { prot: 1 } }, 'rpc.prot', /^not a known field \(known here: host, port, /],
    ['an unknown section', { wallet: {} }, 'wallet', /.+/],
    ['an unknown enum value', { dht: { mode: 'both' } }, 'dht.mode', /expected one of "auto", "server", "client", got "both"$/],
    ['a pattern mismatch', { provider: { region: 'CN East' } }, 'provider.region', /^expected where the pool is, e\.g\. cn-east-1 .*, got "CN East"$/],
    ['a pool floor above its price', { provider: { pools: [{ name: 'gpu-a', model: 'NVIDIA H100 80GB HBM3', gpus: 1, gpuMemoryMib: 81559, price: { microsPerGpuHour: 2_000_000, currency: 'USD' }, floorMicrosPerGpuHour: 3_000_000 }] } },
      'provider.pools.0.floorMicrosPerGpuHour', /the floor 3 USD\/GPU-h is above the price 2 USD\/GPU-h/],
    ['a bad multiaddr', { listen: ['tcp://127.0.0.1:1'] }, 'listen.0', /not a multiaddr/],
    ['a bootstrap address without a peer id', { bootstrap: ['/ip4/127.0.0.1/tcp/1'] }, 'bootstrap.0', /no \/p2p\//],
    ['a public API without allowRemote', { rpc: { host: '0.0.0.0' } }, 'rpc.host', /allowRemote/]
  ])('rejects a file with %s, naming the field and the file', (_what, content, field, problem) => {
    const path = file(content)
    const issues = issuesOf(() => loadConfig({ file: path }))
    expect(issues[0]).toMatchObject({ field, source: path })
    expect(issues[0]?.problem).toMatch(problem)
    // what the field accepts, never the schema library's own words
    expect(issues[0]?.problem).not.toMatch(/Expected (string|union|integer|number|boolean|array|object|required)|\^\[/)
  })

  it('names the variable for a bad environment value', () => {
    const issues = issuesOf(() => loadConfig({ env: { CPNET_RPC_PORT: 'abc' } }))
    expect(issues[0]).toMatchObject({ field: 'rpc.port', source: 'CPNET_RPC_PORT' })
    const range = issuesOf(() => loadConfig({ env: { CPNET_RPC_PORT: '99999' } }))
    expect(range[0]).toMatchObject({ field: 'rpc.port', source: 'CPNET_RPC_PORT' })
  })

  it('names the flag for a bad flag value', () => {
    const issues = issuesOf(() => loadConfig({ flags: [{ path: 'dht.mode', value: 'both', flag: '--dht-mode' }] }))
    expect(issues[0]).toMatchObject({ field: 'dht.mode', source: '--dht-mode' })
  })

  it('refuses an unknown profile', () => {
    expect(() => readProfile('fast')).toThrow(/unknown profile "fast"/)
  })
})

describe('docs/CONFIG.md', () => {
  it('is the reference generated from the schema (run npm run docs:config after changing a field)', () => {
    expect(readFileSync(new URL('../../docs/CONFIG.md', import.meta.url), 'utf8')).toBe(configReference())
  })
})
