/**
 * What a consumer needs to trust an SSH server before its first login: the
 * server's host public keys (for known_hosts) and their SHA256 fingerprints
 * (as `ssh-keygen -l` prints them, for a person to compare), and the address
 * to dial. Shared by the host-account and the container provisioners.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { networkInterfaces } from 'node:os'
import { ProvisionerUnavailableError } from './errors.ts'

export interface HostKeys {
  /** `<type> <base64>`, without the comment */
  hostKeys: string[]
  /** SHA256:<base64 without padding> of each key's blob */
  fingerprints: string[]
}

const PUBLIC_KEY = /^([a-z0-9@.-]+) ([A-Za-z0-9+/]+={0,3})(?: .*)?$/

/** The SHA256 fingerprint of a `<type> <base64>` public key line. */
export function fingerprint (keyLine: string): string {
  const blob = PUBLIC_KEY.exec(keyLine.trim())?.[2]
  if (blob == null) throw new ProvisionerUnavailableError('not an SSH public key line')
  return 'SHA256:' + createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '')
}

/** Reads the public key files that exist among `paths`; throws ProvisionerUnavailableError when none does. */
export async function readHostKeys (paths: readonly string[]): Promise<HostKeys> {
  const hostKeys: string[] = []
  for (const path of paths) {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw new ProvisionerUnavailableError(`cannot read the SSH host key ${path}: ${(err as Error).message}`)
    }
    const match = PUBLIC_KEY.exec(text.trim())
    if (match == null) throw new ProvisionerUnavailableError(`${path} is not an SSH public key`)
    hostKeys.push(`${match[1] as string} ${match[2] as string}`)
  }
  if (hostKeys.length === 0) throw new ProvisionerUnavailableError(`no SSH host key found (looked for ${paths.join(', ')})`)
  return { hostKeys, fingerprints: hostKeys.map(fingerprint) }
}

/** The address consumers dial: the configured one, else the first non-internal IPv4 address, else loopback. */
export function advertisedHost (configured: string): string {
  if (configured !== '') return configured
  for (const addrs of Object.values(networkInterfaces())) {
    const found = addrs?.find(a => a.family === 'IPv4' && !a.internal)
    if (found != null) return found.address
  }
  return '127.0.0.1'
}
