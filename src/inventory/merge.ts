/**
 * One list of pools from three sources. Pools added over RPC and pools
 * declared in config are declarations; a declaration wins over a detected
 * pool of the same name or the same model (the operator knows better than
 * nvidia-smi what to sell). Config and RPC never share a name: the inventory
 * refuses such an RPC pool.
 */
import type { PoolSource } from './pool.ts'
import type { PoolSpec } from '../config/pool-schema.ts'

export interface SourcedSpec {
  spec: PoolSpec
  source: PoolSource
}

export function mergePools (detected: PoolSpec[], declared: PoolSpec[], added: PoolSpec[]): SourcedSpec[] {
  const declarations = [
    ...declared.map(spec => ({ spec, source: 'config' as const })),
    ...added.map(spec => ({ spec, source: 'rpc' as const }))
  ]
  const names = new Set(declarations.map(d => d.spec.name))
  const models = new Set(declarations.map(d => d.spec.model))
  const kept = detected
    .filter(spec => !names.has(spec.name) && !models.has(spec.model))
    .map(spec => ({ spec, source: 'detected' as const }))
  return [...kept, ...declarations].sort((a, b) => a.spec.name.localeCompare(b.spec.name))
}
