/**
 * `CPNET_*` environment variables, derived from the config schema: every leaf
 * field has one, named after its path (`rpc.maxBodyBytes` → `CPNET_RPC_MAX_BODY_BYTES`).
 * Lists are comma-separated.
 */
import type { TSchema } from '@sinclair/typebox'
import { ConfigSchema } from './schema.ts'
import type { ConfigIssue } from './errors.ts'

export const ENV_PREFIX = 'CPNET_'

export interface EnvField {
  variable: string
  path: string[]
  schema: TSchema
}

function snake (segment: string): string {
  return segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
}

function leaves (schema: TSchema, path: string[]): EnvField[] {
  if (schema.type === 'object' && schema.properties != null) {
    return Object.entries(schema.properties as Record<string, TSchema>).flatMap(([key, child]) => leaves(child, [...path, key]))
  }
  return [{ variable: ENV_PREFIX + path.map(snake).join('_'), path, schema }]
}

/** Every config field that an environment variable can set. */
export const ENV_FIELDS: readonly EnvField[] = leaves(ConfigSchema, [])

function parseValue (raw: string, schema: TSchema): unknown {
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const n = Number(raw)
      if (raw.trim() === '' || !Number.isFinite(n)) throw new Error(`expected a number, got "${raw}"`)
      return n
    }
    case 'boolean':
      if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true
      if (['false', '0', 'no'].includes(raw.toLowerCase())) return false
      throw new Error(`expected true or false, got "${raw}"`)
    case 'array':
      return raw.split(',').map(s => s.trim()).filter(s => s !== '')
    default:
      return raw
  }
}

export interface EnvOverrides {
  /** Partial config built from the variables that are set. */
  values: Record<string, unknown>
  /** Dotted path → variable name, so errors can name their source. */
  sources: Map<string, string>
  issues: ConfigIssue[]
}

export function readEnvOverrides (env: NodeJS.ProcessEnv): EnvOverrides {
  const values: Record<string, unknown> = {}
  const sources = new Map<string, string>()
  const issues: ConfigIssue[] = []
  for (const field of ENV_FIELDS) {
    const raw = env[field.variable]
    if (raw == null) continue
    try {
      setPath(values, field.path, parseValue(raw, field.schema))
      sources.set(field.path.join('.'), field.variable)
    } catch (err) {
      issues.push({ field: field.path.join('.'), source: field.variable, problem: (err as Error).message })
    }
  }
  return { values, sources, issues }
}

export function setPath (target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    if (next == null || typeof next !== 'object' || Array.isArray(next)) node[key] = {}
    node = node[key] as Record<string, unknown>
  }
  node[path[path.length - 1] as string] = value
}
