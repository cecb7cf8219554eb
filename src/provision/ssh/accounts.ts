/**
 * The lease accounts in /etc/passwd: the name a lease's account gets and the
 * GECOS mark that says the account is cpnet's. Only an account that carries
 * the mark and has the name its lease id gives is ever changed or removed, so
 * an operator's or another program's account of a colliding name is safe,
 * and so is one whose owner put the mark in their own GECOS by chfn.
 */
import { readFile } from 'node:fs/promises'
import { ProvisionFailedError } from '../errors.ts'

/** Where the accounts are listed; read directly, so that NSS sources (LDAP …) never count as cpnet's. */
const PASSWD_PATH = '/etc/passwd'
const MARK_PREFIX = 'cpnet lease '
const LEASE_ID = /^[0-9a-f]{32}$/
/** Characters of the lease id in the account name (the whole name stays within 32). */
const ACCOUNT_ID_CHARS = 12

export interface PasswdEntry {
  name: string
  uid: number
  gid: number
  gecos: string
  home: string
  shell: string
}

/** Throws unless `leaseId` is 32 lower-case hex characters, so it can never read as an option or a path. */
export function checkLeaseId (leaseId: string): void {
  if (!LEASE_ID.test(leaseId)) throw new ProvisionFailedError(`not a lease id: ${JSON.stringify(leaseId.slice(0, 40))}`)
}

/** The account a lease gets: `${userPrefix}${leaseId.slice(0, 12)}`. */
export function accountName (userPrefix: string, leaseId: string): string {
  return userPrefix + leaseId.slice(0, ACCOUNT_ID_CHARS)
}

/** The GECOS field that marks a lease's account. */
export function leaseMark (leaseId: string): string {
  return MARK_PREFIX + leaseId
}

/** The lease id an entry is marked for, when it is cpnet's under this prefix; undefined for any other account. */
export function markedLeaseId (entry: PasswdEntry, userPrefix: string): string | undefined {
  if (!entry.gecos.startsWith(MARK_PREFIX)) return undefined
  const leaseId = entry.gecos.slice(MARK_PREFIX.length)
  if (!LEASE_ID.test(leaseId) || entry.name !== accountName(userPrefix, leaseId)) return undefined
  return leaseId
}

function parseLine (line: string): PasswdEntry | undefined {
  const fields = line.split(':')
  if (fields.length !== 7) return undefined
  const [name, , uid, gid, gecos, home, shell] = fields as [string, string, string, string, string, string, string]
  if (!/^\d+$/.test(uid) || !/^\d+$/.test(gid)) return undefined
  return { name, uid: Number(uid), gid: Number(gid), gecos, home, shell }
}

/** Every well-formed entry of /etc/passwd. */
export async function readPasswd (): Promise<PasswdEntry[]> {
  const text = await readFile(PASSWD_PATH, 'utf8')
  const entries: PasswdEntry[] = []
  for (const line of text.split('\n')) {
    const entry = parseLine(line)
    if (entry != null) entries.push(entry)
  }
  return entries
}
