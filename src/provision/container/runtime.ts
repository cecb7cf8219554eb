/**
 * Which container runtime the container provisioner drives: podman, else
 * docker, found on PATH (or the one the operator named). Both take the same
 * subcommands for what cpnet does (run, exec, ps, inspect, logs, rm), so the
 * rest of the provisioner only asks which one it is where their outputs differ.
 */
import { constants } from 'node:fs'
import { access } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import { ProvisionerUnavailableError } from '../errors.ts'

export const CONTAINER_RUNTIMES = ['podman', 'docker'] as const
export type ContainerRuntimeKind = typeof CONTAINER_RUNTIMES[number]
export type ContainerRuntimeChoice = 'auto' | ContainerRuntimeKind

/** A runtime found on this machine, with the global arguments every call gets (before the subcommand). */
export interface ContainerRuntime {
  kind: ContainerRuntimeKind
  /** Absolute path of the program. */
  program: string
  /** e.g. podman's `--runtime runc --cgroup-manager=cgroupfs`. */
  globalArgs: readonly string[]
}

/** The argv of one runtime call: program, global arguments, then the subcommand and its arguments. */
export function runtimeArgv (runtime: ContainerRuntime, args: readonly string[]): string[] {
  return [runtime.program, ...runtime.globalArgs, ...args]
}

/** The first executable file called `name` in the PATH's folders; undefined when none. */
export async function findOnPath (name: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, name)
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {}
  }
  return undefined
}

/**
 * The runtime to use: the named one, or for 'auto' podman and else docker.
 * Throws ProvisionerUnavailableError naming what was looked for when none is on PATH.
 */
export async function detectRuntime (choice: ContainerRuntimeChoice, globalArgs: readonly string[], path = process.env.PATH ?? ''): Promise<ContainerRuntime> {
  const candidates: readonly ContainerRuntimeKind[] = choice === 'auto' ? CONTAINER_RUNTIMES : [choice]
  for (const kind of candidates) {
    const program = await findOnPath(kind, path)
    if (program != null) return { kind, program, globalArgs: [...globalArgs] }
  }
  throw new ProvisionerUnavailableError(`the container provisioner needs ${candidates.join(' or ')} on PATH, and none was found (PATH=${path})`)
}
