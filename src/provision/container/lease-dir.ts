/**
 * A container lease's own folder on the host, bind-mounted read-only at
 * /run/cpnet: the sshd's host key (made for this lease only, so its
 * fingerprint identifies this container), the consumer's authorized_keys and
 * the sshd_config that points at both. The mount is the folder, not the
 * files, so a renewal's new authorized_keys (written beside and renamed over
 * the old one) is what the container's sshd reads at the next login.
 *
 * `end` holds the lease's current end (unix ms): the container's cpnet.end
 * label keeps the end it was created with, because labels cannot change.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runCommand } from '../../command.ts'
import { authorizedKeys, deviceEnv } from '../authorized-keys.ts'
import { ProvisionFailedError } from '../errors.ts'
import type { ProvisionLease } from '../types.ts'

/** Where the folder appears inside the container. */
export const MOUNT_POINT = '/run/cpnet'
/** The container's command: sshd in the foreground, logging to stderr (the runtime's logs). */
export const SSHD_COMMAND = ['/usr/sbin/sshd', '-D', '-e', '-f', `${MOUNT_POINT}/sshd_config`]

const HOST_KEY = 'host_key'
const AUTHORIZED_KEYS = 'authorized_keys'
const SSHD_CONFIG = 'sshd_config'
const END = 'end'

/**
 * Root logs in with the consumer's keys only; StrictModes is off because the
 * files belong to the host's user ids, not the container's; environment=
 * options (the devices, the consumer's variables) need PermitUserEnvironment.
 */
const SSHD_CONFIG_TEXT = [
  'Port 22',
  `HostKey ${MOUNT_POINT}/${HOST_KEY}`,
  `AuthorizedKeysFile ${MOUNT_POINT}/${AUTHORIZED_KEYS}`,
  'PermitRootLogin prohibit-password',
  'StrictModes no',
  'PasswordAuthentication no',
  'KbdInteractiveAuthentication no',
  'PermitUserEnvironment yes',
  'UsePAM no',
  'PrintMotd no',
  'PrintLastLog no',
  // built into sshd, so scp and sftp work without an sftp-server in the image
  'Subsystem sftp internal-sftp',
  ''
].join('\n')

/** The folder of one lease under the provisioners' state folder. */
export function leaseDirOf (stateDir: string, leaseId: string): string {
  return join(stateDir, 'container', leaseId)
}

/** Writes a file whole or not at all, so a reader (sshd, a restarted daemon) never sees half of it. */
async function replaceFile (path: string, content: string): Promise<void> {
  const partial = `${path}.partial`
  await writeFile(partial, content, { mode: 0o600 })
  await rename(partial, path)
}

/** The consumer's keys with the lease's end and environment (devices numbered as the container sees them). */
export async function writeAuthorizedKeys (dir: string, lease: ProvisionLease): Promise<void> {
  const env = { ...deviceEnv(lease, 'renumbered'), ...lease.access.env }
  await replaceFile(join(dir, AUTHORIZED_KEYS), authorizedKeys(lease.access.sshKeys, lease.end, env))
  await replaceFile(join(dir, END), `${lease.end}\n`)
}

/** Makes the folder with a new host key, the sshd_config and the authorized_keys. */
export async function createLeaseDir (dir: string, lease: ProvisionLease, command: { timeoutMs: number, signal: AbortSignal }): Promise<void> {
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await runCommand(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', join(dir, HOST_KEY)], command)
    .catch((err: Error) => { throw new ProvisionFailedError(`cannot make the container's host key: ${err.message}`, { cause: err }) })
  await replaceFile(join(dir, SSHD_CONFIG), SSHD_CONFIG_TEXT)
  await writeAuthorizedKeys(dir, lease)
}

export interface LeaseDirState {
  /** `<type> <base64>` of the container's host key. */
  hostKey: string
  /** The end written last (unix ms). */
  end: number
}

/** What start and extend report back; undefined when the folder is missing or incomplete. */
export async function readLeaseDir (dir: string): Promise<LeaseDirState | undefined> {
  try {
    const [publicKey, end] = await Promise.all([readFile(join(dir, `${HOST_KEY}.pub`), 'utf8'), readFile(join(dir, END), 'utf8')])
    const [type, blob] = publicKey.trim().split(' ')
    const endMs = Number(end.trim())
    if (type == null || blob == null || !Number.isSafeInteger(endMs)) return undefined
    return { hostKey: `${type} ${blob}`, end: endMs }
  } catch {
    return undefined
  }
}
