/**
 * The consumer's keys as sshd reads them: one authorized_keys line per key,
 * each with the lease's expiry (OpenSSH `expiry-time`, so sshd itself refuses
 * a login after the lease's end, whatever becomes of the daemon) and the
 * environment that pins the assigned devices. Used for a host account and for
 * a container's sshd alike.
 *
 * The keys and values were checked before they got here (no options, no
 * quotes, no control characters); this module checks again, because a line
 * it writes is a grant of login.
 */
import type { Device } from '../inventory/devices.ts'
import { ProvisionFailedError } from './errors.ts'
import type { ProvisionLease } from './types.ts'

/** Variables that name the visible devices, by vendor; others get CPNET_DEVICES only. */
const VISIBLE_DEVICES_VARIABLES: Readonly<Record<string, readonly string[]>> = {
  nvidia: ['CUDA_VISIBLE_DEVICES', 'NVIDIA_VISIBLE_DEVICES'],
  amd: ['ROCR_VISIBLE_DEVICES', 'HIP_VISIBLE_DEVICES']
}

const SAFE_VALUE = /^[^\u0000-\u001f\u007f"\\]*$/
const KEY_LINE = /^[a-z0-9@.-]+ [A-Za-z0-9+/]+={0,3}( [\u0020-\u007e]*)?$/

/**
 * The environment a lease's sessions get: the devices pinned by index, as
 * the host numbers them (`hostIndices`), or 0…n-1 inside a container that
 * sees only its own (`renumbered`).
 */
export function deviceEnv (lease: Pick<ProvisionLease, 'leaseId' | 'vendor' | 'devices'>, numbering: 'hostIndices' | 'renumbered'): Record<string, string> {
  const indices = numbering === 'hostIndices' ? lease.devices.map(d => d.index) : lease.devices.map((_, i) => i)
  const list = indices.join(',')
  const env: Record<string, string> = { CPNET_LEASE_ID: lease.leaseId, CPNET_DEVICES: lease.devices.map(deviceName).join(',') }
  for (const name of VISIBLE_DEVICES_VARIABLES[lease.vendor] ?? []) env[name] = list
  return env
}

/** A device as CPNET_DEVICES lists it: its UUID where known, else its host index. */
function deviceName (device: Device): string {
  return device.uuid ?? String(device.index)
}

/** OpenSSH's expiry-time: UTC YYYYMMDDHHMM, the first whole minute at or after `ms` (never a minute early). */
export function expiryTime (ms: number): string {
  const d = new Date(Math.ceil(ms / 60_000) * 60_000)
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}Z`
}

/** The authorized_keys file for a lease: the consumer's keys, each limited to the lease's end and given its environment. */
export function authorizedKeys (keys: readonly string[], endMs: number, env: Readonly<Record<string, string>>): string {
  const options = [`expiry-time="${expiryTime(endMs)}"`]
  for (const [name, value] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || !SAFE_VALUE.test(value)) throw new ProvisionFailedError(`environment variable ${name} cannot go in authorized_keys`)
    options.push(`environment="${name}=${value}"`)
  }
  const prefix = options.join(',')
  return keys.map(key => {
    if (!KEY_LINE.test(key)) throw new ProvisionFailedError('an SSH key is not a plain "<type> <base64>[ <comment>]" line')
    return `${prefix} ${key}\n`
  }).join('')
}
