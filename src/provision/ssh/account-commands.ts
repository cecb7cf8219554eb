/**
 * The changes to a lease account, each a run of the passwd package's
 * programs: make it, bring it back to what a start makes, and take it away
 * (locked and expired first so that no new login gets in while its processes
 * are killed, what it left in /tmp removed while it still holds its uid, then
 * deleted with its home).
 */
import { constants } from 'node:fs'
import { access, chown, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { CommandFailedError, runCommand } from '../../command.ts'
import { leaseMark, type PasswdEntry } from './accounts.ts'
import { killAllProcesses } from './processes.ts'
import { PROGRAM_ENV, type Programs, type RunLimits } from './programs.ts'
import { removeSharedFiles } from './shared-folders.ts'

/** No password can match: logins are by key only (and unlike `!`, sshd does not read it as a locked account). */
const NO_PASSWORD = '*'
/** usermod --expiredate 1: expired since 2 January 1970, so sshd refuses even a login already past its key check. */
const EXPIRED_DATE = '1'
/** userdel's exit status for an account that does not exist (someone removed it first). */
const USERDEL_NO_SUCH_USER = 6

/** What every lease account is given. */
export interface AccountSpec {
  name: string
  home: string
  shell: string
  groups: readonly string[]
}

async function run (argv: string[], limits: RunLimits): Promise<void> {
  await runCommand(argv, { ...limits, env: PROGRAM_ENV })
}

async function exists (path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK)
    return true
  } catch {
    return false
  }
}

/** Makes the account with its own group, its home (from /etc/skel), the lease's mark and no usable password. */
export async function createAccount (programs: Programs, spec: AccountSpec, leaseId: string, limits: RunLimits): Promise<void> {
  await mkdir(dirname(spec.home), { recursive: true, mode: 0o755 })
  const groups = spec.groups.length > 0 ? ['-G', spec.groups.join(',')] : []
  await run([
    programs.useradd, '-m', '-d', spec.home, '-c', leaseMark(leaseId), '-s', spec.shell, '-p', NO_PASSWORD, '-U', ...groups, '--', spec.name
  ], limits)
}

/** Brings an existing account of the lease back to what createAccount makes: unlocked, unexpired, its shell and groups. */
export async function restoreAccount (programs: Programs, spec: AccountSpec, limits: RunLimits): Promise<void> {
  await run([programs.usermod, '-p', NO_PASSWORD, '-e', '', '-s', spec.shell, '-G', spec.groups.join(','), '--', spec.name], limits)
}

/** A home removed behind the account's back is made again (only root can: its parent is root's). */
export async function ensureHome (account: PasswdEntry): Promise<void> {
  if (await exists(account.home)) return
  await mkdir(account.home, { mode: 0o700 })
  await chown(account.home, account.uid, account.gid)
}

/**
 * Locks and expires the account, kills all its processes, deletes it with its home; an account already gone is fine.
 * Files it left in /tmp that cannot go (a folder of its own that another user wrote into) are reported to `warn`,
 * not thrown: the account is gone by then, and a stop that can never succeed would be retried for ever.
 */
export async function removeAccount (programs: Programs, account: PasswdEntry, limits: RunLimits, warn: (message: string) => void): Promise<void> {
  await run([programs.usermod, '-L', '-e', EXPIRED_DATE, '--', account.name], limits)
  await killAllProcesses(programs, account.uid, limits)
  // while the account still holds its uid: once it is deleted, the next account made may get
  // the same uid, and its files would be taken for this one's
  try {
    await removeSharedFiles(programs, account.uid, limits)
  } catch (err) {
    warn(`files of uid ${account.uid} left in the shared folders: ${(err as Error).message}`)
  }
  try {
    await run([programs.userdel, '-r', '--', account.name], limits)
  } catch (err) {
    if (!(err instanceof CommandFailedError && err.exitCode === USERDEL_NO_SUCH_USER)) throw err
  }
}
