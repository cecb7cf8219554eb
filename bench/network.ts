/**
 * The in-process networks benchmarks run on: the test profile (memory
 * transport, loopback addresses, no GPU detection) with the default timers.
 * The test profile re-publishes, re-provides and heartbeats every few seconds
 * so that tests finish quickly; 50 nodes sharing one event loop would spend
 * most of it on those timers (over a core in an idle 50-node network, against
 * a third of one with the default timers) and the figures would measure the
 * test profile, not the operations. Nothing measured waits for a timer: a
 * new pool, a price change and a lease are published at once.
 */
import type { FlagOverride } from '../src/config/load.ts'
import { readDefaults } from '../src/config/load.ts'
import { InProcessNetwork, type InProcessNetworkInit } from '../src/testnet/in-process.ts'

const TIMERS = [
  'network.bootstrapIntervalSec',
  'discovery.provideValiditySec',
  'discovery.reprovideIntervalSec',
  'discovery.offerTtlSec',
  'discovery.republishIntervalSec',
  'discovery.cacheRefreshSec',
  'prices.heartbeatSec'
]

function defaultTimers (): FlagOverride[] {
  const defaults = readDefaults() as unknown as Record<string, Record<string, unknown>>
  return TIMERS.map(path => {
    const [section, field] = path.split('.') as [string, string]
    return { path, value: defaults[section]?.[field], flag: 'bench' }
  })
}

export async function startBenchNetwork (init: InProcessNetworkInit): Promise<InProcessNetwork> {
  return InProcessNetwork.start({ ...init, flags: [...defaultTimers(), ...(init.flags ?? [])] })
}
