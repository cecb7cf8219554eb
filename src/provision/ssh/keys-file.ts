/**
 * Writes a lease account's ~/.ssh/authorized_keys. The account's user owns
 * its home and may have processes running, so a file written there by root
 * could be a symlink the user put in its place (to /etc/shadow, say): every
 * step runs as the user instead (setpriv, no groups, no capabilities), and
 * whatever a link points to, the user could have written it anyway.
 * The new file is written beside the old one and renamed over it, so sshd
 * never reads half a file.
 */
import { join } from 'node:path'
import { runCommand } from '../../command.ts'
import type { PasswdEntry } from './accounts.ts'
import { PROGRAM_ENV, type Programs, type RunLimits } from './programs.ts'

const SSH_DIR = '.ssh'
const KEYS_FILE = 'authorized_keys'
const NEW_KEYS_FILE = 'authorized_keys.cpnet-new'

/** Where sshd reads the account's keys (AuthorizedKeysFile's default). */
export function keysFilePath (account: Pick<PasswdEntry, 'home'>): string {
  return join(account.home, SSH_DIR, KEYS_FILE)
}

/** Replaces the account's authorized_keys with `content`: dir 0700, file 0600, both the user's. */
export async function writeKeysFile (programs: Programs, account: PasswdEntry, content: string, limits: RunLimits): Promise<void> {
  const asUser = [programs.setpriv, `--reuid=${account.uid}`, `--regid=${account.gid}`, '--clear-groups', '--']
  const options = { ...limits, env: PROGRAM_ENV }
  const dir = join(account.home, SSH_DIR)
  const next = join(dir, NEW_KEYS_FILE)
  await runCommand([...asUser, 'mkdir', '-p', '--', dir], options)
  await runCommand([...asUser, 'chmod', '0700', '--', dir], options)
  await runCommand([...asUser, 'tee', '--', next], { ...options, input: content })
  await runCommand([...asUser, 'chmod', '0600', '--', next], options)
  await runCommand([...asUser, 'mv', '-f', '-T', '--', next, keysFilePath(account)], options)
}
