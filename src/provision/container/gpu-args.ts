/**
 * How a lease's devices get into its container, per gpuMode:
 * - cdi: podman's Container Device Interface names (`nvidia.com/gpu=<index>`),
 *   which bring the device nodes, the driver's libraries and its control nodes;
 * - gpus: docker's `--gpus "device=<i>,<j>"` (the NVIDIA container toolkit does the same);
 * - devices: plain `--device` nodes, the assigned ones plus the vendor's
 *   control nodes (extraDevices) that exist here; the image brings the libraries.
 * 'auto' picks cdi where podman and an NVIDIA CDI spec are there, gpus under
 * docker, device nodes otherwise.
 */
import { stat, readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Device } from '../../inventory/devices.ts'
import { ProvisionFailedError } from '../errors.ts'
import type { ContainerRuntimeKind } from './runtime.ts'

export const GPU_MODES = ['auto', 'cdi', 'gpus', 'devices'] as const
export type GpuMode = typeof GPU_MODES[number]
export type ResolvedGpuMode = Exclude<GpuMode, 'auto'>

/** Where CDI specs live (the CDI specification's two folders). */
export const CDI_SPEC_DIRS = ['/etc/cdi', '/var/run/cdi']
/** The CDI kind of NVIDIA GPUs, as nvidia-ctk writes it. */
const NVIDIA_CDI_KIND = 'nvidia.com/gpu'

/** True when a spec file (.json, .yaml, .yml) in one of `dirs` declares NVIDIA GPUs. */
export async function hasNvidiaCdiSpec (dirs: readonly string[] = CDI_SPEC_DIRS): Promise<boolean> {
  for (const dir of dirs) {
    let names: string[]
    try {
      names = await readdir(dir)
    } catch {
      continue
    }
    for (const name of names.filter(n => /\.(json|ya?ml)$/.test(n))) {
      const spec = await readFile(join(dir, name), 'utf8').catch(() => '')
      if (spec.includes(NVIDIA_CDI_KIND)) return true
    }
  }
  return false
}

/** The mode 'auto' stands for here; other modes stand for themselves. */
export function resolveGpuMode (mode: GpuMode, runtime: ContainerRuntimeKind, nvidiaCdiSpec: boolean): ResolvedGpuMode {
  if (mode !== 'auto') return mode
  if (runtime === 'podman' && nvidiaCdiSpec) return 'cdi'
  return runtime === 'docker' ? 'gpus' : 'devices'
}

/** The path of a device's node: devicePath with {index} replaced. */
export function devicePathOf (template: string, device: Device): string {
  return template.replaceAll('{index}', String(device.index))
}

/**
 * A host node as the container sees it: at the same path when it is under
 * /dev, else as /dev/<its name> (a node kept elsewhere, like a test's fake
 * device, still shows where programs look for it).
 */
export function insidePath (hostPath: string): string {
  return hostPath.startsWith('/dev/') ? hostPath : `/dev/${basename(hostPath)}`
}

function deviceFlag (hostPath: string): string[] {
  const inside = insidePath(hostPath)
  return ['--device', inside === hostPath ? hostPath : `${hostPath}:${inside}`]
}

async function exists (path: string): Promise<boolean> {
  return await stat(path).then(() => true, () => false)
}

export interface GpuArgsInit {
  mode: ResolvedGpuMode
  devices: readonly Device[]
  devicePath: string
  extraDevices: readonly string[]
}

/**
 * The `run` arguments that hand over `devices`. In 'devices' mode an
 * assigned node that does not exist is an error (the lease would get fewer
 * GPUs than it pays for); a missing extra node is skipped.
 */
export async function gpuArgs (init: GpuArgsInit): Promise<string[]> {
  if (init.devices.length === 0) return []
  if (init.mode === 'cdi') return init.devices.flatMap(d => ['--device', `${NVIDIA_CDI_KIND}=${d.index}`])
  // docker reads the value as CSV: the quotes keep "device=1,3" one field
  if (init.mode === 'gpus') return ['--gpus', `"device=${init.devices.map(d => d.index).join(',')}"`]
  const args: string[] = []
  for (const device of init.devices) {
    const path = devicePathOf(init.devicePath, device)
    if (!await exists(path)) throw new ProvisionFailedError(`the node ${path} of device ${device.index} does not exist`)
    args.push(...deviceFlag(path))
  }
  for (const path of init.extraDevices) {
    if (await exists(path)) args.push(...deviceFlag(path))
  }
  return args
}
