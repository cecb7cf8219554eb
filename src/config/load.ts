/**
 * Builds the running configuration, once, at start:
 * flags > environment (`CPNET_*`) > the repo's config.json > config/defaults.json.
 * The merged result is validated against the schema and a few cross-field rules;
 * every problem names its field and where the value came from.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Value } from '@sinclair/typebox/value'
import { multiaddr } from '@multiformats/multiaddr'
import { devicesProblem, kindProblem, floorProblem } from '../config/pool-schema.ts'
import { CONFIG_DIR } from '../package.ts'
import { describeSchemaError } from '../schema-errors.ts'
import { ConfigSchema, type Config } from './schema.ts'
import { ConfigError, type ConfigIssue } from './errors.ts'
import { readEnvOverrides, setPath } from './env.ts'
import { PROFILES, type ProfileName } from './profiles.ts'

export { PROFILES, type ProfileName }

export type ConfigPatch = Record<string, unknown>

/** A value set from the command line: dotted path → value, and the flag's name for errors. */
export interface FlagOverride {
  path: string
  value: unknown
  flag: string
}

export interface LoadConfigOptions {
  /** The repo's config.json; absent means defaults only. */
  file?: string
  env?: NodeJS.ProcessEnv
  flags?: FlagOverride[]
}


function isPlainObject (value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value)
}

/** Deep-merges `patch` into `target` (arrays and scalars replace), recording which source set each leaf. */
function mergeInto (target: Record<string, unknown>, patch: Record<string, unknown>, source: string, sources: Map<string, string>, prefix = ''): void {
  for (const [key, value] of Object.entries(patch)) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    if (isPlainObject(value) && isPlainObject(target[key])) {
      mergeInto(target[key], value, source, sources, path)
    } else {
      target[key] = structuredClone(value)
      sources.set(path, source)
    }
  }
}

function readJson (path: string, what: string): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError([{ field: '', source: path, problem: `cannot read ${what}: ${(err as Error).message}` }])
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new ConfigError([{ field: '', source: path, problem: `${what} is not valid JSON: ${(err as Error).message}` }])
  }
}

export function readDefaults (): Config {
  return readJson(join(CONFIG_DIR, 'defaults.json'), 'the built-in defaults') as Config
}

/** A profile is a partial config applied on top of the defaults at `init`. */
export function readProfile (name: string): ConfigPatch {
  if (!(PROFILES as readonly string[]).includes(name)) {
    throw new ConfigError([{ field: '', source: '--profile', problem: `unknown profile "${name}" (known: ${PROFILES.join(', ')})` }])
  }
  return readJson(join(CONFIG_DIR, 'profiles', `${name}.json`), `profile ${name}`) as ConfigPatch
}

export function applyPatches (base: Config, ...patches: ConfigPatch[]): Config {
  const out = structuredClone(base) as unknown as Record<string, unknown>
  for (const patch of patches) mergeInto(out, patch, 'patch', new Map())
  return out as unknown as Config
}

function pointerToDotted (pointer: string): string {
  return pointer.split('/').filter(s => s !== '').join('.')
}

/** The source of the nearest path (or parent path) that a layer set. */
function sourceOf (field: string, sources: Map<string, string>): string {
  const parts = field.split('.')
  for (let i = parts.length; i > 0; i--) {
    const hit = sources.get(parts.slice(0, i).join('.'))
    if (hit != null) return hit
  }
  return 'defaults'
}

function checkMultiaddrs (config: Config, issues: Array<Omit<ConfigIssue, 'source'>>): void {
  for (const field of ['listen', 'announce', 'bootstrap'] as const) {
    config[field].forEach((addr, i) => {
      try {
        const ma = multiaddr(addr)
        if (field === 'bootstrap' && ma.getComponents().find(c => c.name === 'p2p') == null) {
          issues.push({ field: `${field}.${i}`, problem: `"${addr}" has no /p2p/<peer id> part` })
        }
      } catch (err) {
        issues.push({ field: `${field}.${i}`, problem: `"${addr}" is not a multiaddr: ${(err as Error).message}` })
      }
    })
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost'])

function checkRules (config: Config): Array<Omit<ConfigIssue, 'source'>> {
  const issues: Array<Omit<ConfigIssue, 'source'>> = []
  checkMultiaddrs(config, issues)
  if (!LOOPBACK_HOSTS.has(config.rpc.host) && !config.rpc.allowRemote) {
    issues.push({ field: 'rpc.host', problem: `"${config.rpc.host}" is not a loopback address; set rpc.allowRemote to true to expose the API` })
  }
  const d = config.discovery
  if (d.provideValiditySec < 3 * d.reprovideIntervalSec) {
    issues.push({ field: 'discovery.provideValiditySec', problem: `${d.provideValiditySec} s is less than 3 × discovery.reprovideIntervalSec (${d.reprovideIntervalSec} s): provider records would lapse between re-provides` })
  }
  if (d.offerTtlSec < 2 * d.republishIntervalSec) {
    issues.push({ field: 'discovery.offerTtlSec', problem: `${d.offerTtlSec} s is less than 2 × discovery.republishIntervalSec (${d.republishIntervalSec} s): offers would expire between republications` })
  }
  if (config.provider.minLeaseSec > config.provider.maxLeaseSec) {
    issues.push({ field: 'provider.minLeaseSec', problem: `${config.provider.minLeaseSec} is above provider.maxLeaseSec (${config.provider.maxLeaseSec})` })
  }
  if (config.lease.slurm.userPrefix === config.lease.ssh.userPrefix) {
    issues.push({ field: 'lease.slurm.userPrefix', problem: `is lease.ssh.userPrefix too ("${config.lease.ssh.userPrefix}"): the two provisioners' accounts must be told apart` })
  }
  config.provider.pools.forEach((pool, i) => {
    const problem = floorProblem(pool, config.provider)
    if (problem != null) issues.push({ field: `provider.pools.${i}.floorMicrosPerGpuHour`, problem })
    for (const found of [kindProblem(pool), devicesProblem(pool)]) {
      if (found != null) issues.push({ field: `provider.pools.${i}.${found.field}`, problem: found.problem })
    }
  })
  return issues
}

/** Validates a whole config object; throws ConfigError naming each bad field. */
export function validateConfig (candidate: unknown, sources: Map<string, string> = new Map()): Config {
  const schemaIssues: ConfigIssue[] = [...Value.Errors(ConfigSchema, candidate)]
    .slice(0, 20)
    .map(e => {
      const field = pointerToDotted(e.path)
      return { field, source: sourceOf(field, sources), problem: describeSchemaError(e) }
    })
  if (schemaIssues.length > 0) throw new ConfigError(dedupe(schemaIssues))
  const config = candidate as Config
  const ruleIssues = checkRules(config).map(i => ({ ...i, source: sourceOf(i.field, sources) }))
  if (ruleIssues.length > 0) throw new ConfigError(ruleIssues)
  return config
}

/** TypeBox reports a union mismatch once per branch; one line per field is enough. */
function dedupe (issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>()
  return issues.filter(i => {
    if (seen.has(i.field)) return false
    seen.add(i.field)
    return true
  })
}

export function loadConfig (options: LoadConfigOptions = {}): Config {
  const sources = new Map<string, string>()
  const merged = structuredClone(readDefaults()) as unknown as Record<string, unknown>

  if (options.file != null) {
    const file = readJson(options.file, 'config file')
    if (!isPlainObject(file)) {
      throw new ConfigError([{ field: '', source: options.file, problem: 'config file must hold a JSON object' }])
    }
    mergeInto(merged, file, options.file, sources)
  }

  const env = readEnvOverrides(options.env ?? {})
  if (env.issues.length > 0) throw new ConfigError(env.issues)
  mergeInto(merged, env.values, 'environment', sources)
  for (const [path, variable] of env.sources) sources.set(path, variable)

  for (const flag of options.flags ?? []) {
    setPath(merged, flag.path.split('.'), flag.value)
    sources.set(flag.path, flag.flag)
  }

  return validateConfig(merged, sources)
}
