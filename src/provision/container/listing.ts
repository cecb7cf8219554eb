/**
 * The containers cpnet made, as `ps -a` lists them. podman and docker print
 * different JSON: podman one array whose entries have `Names` as an array and
 * `Labels` as an object (null when none); docker one object per line with
 * `Names` as "a,b" and `Labels` as "k=v,k=v". Both become ListedContainer.
 */
import { ProvisionFailedError } from '../errors.ts'
import type { ContainerRuntimeKind } from './runtime.ts'

export interface ListedContainer {
  id: string
  names: string[]
  labels: Record<string, string>
  /** True while the container's main process runs. */
  running: boolean
}

/** The `ps` arguments that list every container (running or not) carrying `label`. */
export function psArgs (kind: ContainerRuntimeKind, label: string): string[] {
  return ['ps', '-a', '--no-trunc', '--filter', `label=${label}`, '--format', kind === 'podman' ? 'json' : '{{json .}}']
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value != null && !Array.isArray(value)
}

function text (value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/** docker's "k=v,k=v"; a value holding a comma would be split, which cpnet's own labels (ids, numbers) never do. */
function dockerLabels (value: string): Record<string, string> {
  const labels: Record<string, string> = {}
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=')
    if (eq > 0) labels[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return labels
}

function podmanLabels (value: unknown): Record<string, string> {
  const labels: Record<string, string> = {}
  if (!isRecord(value)) return labels
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') labels[key] = v
  return labels
}

function fromPodman (entry: Record<string, unknown>): ListedContainer {
  const names = Array.isArray(entry.Names) ? entry.Names.filter((n): n is string => typeof n === 'string') : []
  return { id: text(entry.Id), names, labels: podmanLabels(entry.Labels), running: text(entry.State) === 'running' }
}

function fromDocker (entry: Record<string, unknown>): ListedContainer {
  const names = text(entry.Names).split(',').filter(n => n !== '')
  return { id: text(entry.ID), names, labels: dockerLabels(text(entry.Labels)), running: text(entry.State) === 'running' }
}

function parseJson (source: string, what: string): unknown {
  try {
    return JSON.parse(source)
  } catch (err) {
    throw new ProvisionFailedError(`cannot read the container list (${what}): ${(err as Error).message}`)
  }
}

/** Reads what psArgs(kind, …) printed. */
export function parseContainerList (kind: ContainerRuntimeKind, stdout: string): ListedContainer[] {
  if (kind === 'podman') {
    // podman prints nothing at all (not "[]") in some versions when no container matches
    const parsed = stdout.trim() === '' ? [] : parseJson(stdout, 'podman ps')
    if (!Array.isArray(parsed)) throw new ProvisionFailedError('cannot read the container list (podman ps): not a JSON array')
    return parsed.filter(isRecord).map(fromPodman)
  }
  return stdout.split('\n').filter(line => line.trim() !== '').map(line => {
    const entry = parseJson(line, 'docker ps')
    if (!isRecord(entry)) throw new ProvisionFailedError('cannot read the container list (docker ps): a line is not a JSON object')
    return fromDocker(entry)
  })
}
