/**
 * The consumer's side of an SSH access, for every caller that logs in (the
 * CLI's `lease ssh`, the demo, the benchmark, the tests): the lease's host
 * keys pinned in a known_hosts file, and the system ssh's argv with
 * StrictHostKeyChecking=yes. A consumer never trusts a host key on first use:
 * the provider signed for it in the Grant.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { SshAccess } from './types.ts'

/** What a Grant's SSH access may name: a host that is an address or a DNS name, a Unix user name, a key line with no options. */
const HOST = /^[A-Za-z0-9_.:]([A-Za-z0-9_.:-]{0,252})$/
const USER = /^[a-z_][a-z0-9_-]{0,31}$/
const HOST_KEY = /^[a-z][a-z0-9@.-]{0,63} [A-Za-z0-9+/]{16,16384}={0,3}$/

/** How long a non-interactive login may take to connect before ssh gives up. */
const BATCH_CONNECT_TIMEOUT_SEC = 10

/**
 * The SSH access of a lease, or an error saying why it has none. The Grant's
 * values end up in a known_hosts file and on ssh's command line, so each is
 * checked: a provider cannot pin a key for other hosts (a `*` or a newline in
 * a host or a key) or slip an option in.
 */
export function sshAccessOf (leaseId: string, status: string, access: Record<string, unknown> | undefined): SshAccess {
  if (status !== 'active') throw new Error(`lease ${leaseId} is ${status}; only an active lease can be logged into`)
  const a = access as Partial<SshAccess> | undefined
  if (a?.kind !== 'ssh' || typeof a.host !== 'string' || typeof a.port !== 'number' || typeof a.user !== 'string' || !Array.isArray(a.hostKeys)) {
    throw new Error(`lease ${leaseId} gives no SSH access (its pool hands leases over another way; lease show prints its access)`)
  }
  const bad = (what: string): Error => new Error(`lease ${leaseId}: the provider's SSH access has ${what}; not logging in`)
  if (!HOST.test(a.host)) throw bad(`a host that is neither an address nor a DNS name (${JSON.stringify(a.host.slice(0, 64))})`)
  if (!Number.isInteger(a.port) || a.port < 1 || a.port > 65535) throw bad(`port ${a.port}`)
  if (!USER.test(a.user)) throw bad(`a user name that is not a Unix one (${JSON.stringify(a.user.slice(0, 40))})`)
  if (a.hostKeys.length === 0 || a.hostKeys.some(key => typeof key !== 'string' || !HOST_KEY.test(key))) throw bad('no host key, or one that is not a plain `<type> <base64>` line')
  return a as SshAccess
}

/** How known_hosts names a host on a port (`[host]:port`, or the bare host on 22). */
export function knownHostsName (host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

/** known_hosts lines trusting `hostKeys` (`<type> <base64>`) for host:port. */
export function knownHostsLines (host: string, port: number, hostKeys: readonly string[]): string[] {
  const name = knownHostsName(host, port)
  return hostKeys.map(key => `${name} ${key}`)
}

/**
 * Pins the access's host keys in a known_hosts file: the lines for that host
 * and port are replaced (a new lease on the same port may have a new
 * container key), the rest kept.
 */
export function pinHostKeys (file: string, access: Pick<SshAccess, 'host' | 'port' | 'hostKeys'>): void {
  const name = knownHostsName(access.host, access.port)
  const kept = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(l => l !== '' && l.split(' ')[0] !== name) : []
  const lines = [...kept, ...knownHostsLines(access.host, access.port, access.hostKeys)]
  writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 })
}

/** One argument as the remote POSIX shell reads it back: single-quoted, so that it arrives as given. */
function shellQuote (arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`
}

export interface SshRun {
  access: Pick<SshAccess, 'host' | 'port' | 'user'>
  knownHosts: string
  /** A private key file (-i, and only it); ssh's own choice without one. */
  identity?: string
  /** argv to run there, each argument kept whole; a login shell without one. */
  command: readonly string[]
  /**
   * For a program, not a person: no ~/.ssh/config, no agent, no prompt, a
   * bounded connect; a refused login is exit 255 at once.
   */
  batch?: boolean
}

/** The system ssh's argv (without `ssh` itself): the host's keys pinned, the lease's user and port. */
export function sshArgs (run: SshRun): string[] {
  return [
    ...(run.batch === true
      ? ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', `ConnectTimeout=${BATCH_CONNECT_TIMEOUT_SEC}`, '-o', 'IdentityAgent=none', '-o', 'LogLevel=ERROR']
      : []),
    '-o', `UserKnownHostsFile=${run.knownHosts}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-p', String(run.access.port),
    ...(run.identity != null ? ['-i', run.identity, '-o', 'IdentitiesOnly=yes'] : []),
    '-l', run.access.user,
    // `--` ends ssh's options: a host or command starting with - is never read as one
    '--', run.access.host,
    ...(run.command.length > 0 ? [run.command.map(shellQuote).join(' ')] : [])
  ]
}
