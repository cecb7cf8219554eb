/**
 * OpenSSH for tests: the private sshd of src/testnet/sshd.ts, and the system
 * `ssh` client to log in to it, strict about host keys and never asking
 * anything. Tests that need it skip (or fail under CI=true) when sshd, the
 * client or root is missing.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { CommandFailedError, runCommand } from '../../src/command.ts'
import { knownHostsLines, sshArgs } from '../../src/provision/ssh-client.ts'
import { sshdMissing } from '../../src/testnet/sshd.ts'

export { sshdMissing, sshKeyPair, startSshd, type Sshd, type SshdInit } from '../../src/testnet/sshd.ts'

const LOOPBACK = '127.0.0.1'
const SSH_RUN_TIMEOUT_MS = 30_000

export interface SshRunInit {
  port: number
  user: string
  /** Private key file to log in with. */
  identityFile: string
  /** known_hosts file: the only host keys trusted (StrictHostKeyChecking=yes). */
  knownHostsFile: string
  /** The remote command; each argument is quoted for the remote shell, so `['sh', '-c', 'echo $X']` runs as written. */
  argv: string[]
  host?: string
  timeoutMs?: number
}

export interface SshRunResult {
  /** ssh's exit status: the remote command's, or 255 when ssh itself failed (a refused login). */
  code: number
  stdout: string
  stderr: string
}

/** Skips the running test saying why sshd tests cannot run; under CI=true that is a failure instead. */
export function requireSshd (ctx: { skip: (note?: string) => void }): void {
  const missing = sshdMissing()
  if (missing == null) return
  if (process.env.CI === 'true') throw new Error(`${missing}, and CI must run the sshd tests`)
  ctx.skip(missing)
}

/** known_hosts text trusting `hostKeys` (`<type> <base64>` lines) for host:port. */
export function knownHosts (host: string, port: number, hostKeys: readonly string[]): string {
  return knownHostsLines(host, port, hostKeys).map(line => `${line}\n`).join('')
}

/** Runs `argv` through the system ssh client with only the given key and known_hosts; never prompts, never hangs. */
export async function sshRun (init: SshRunInit): Promise<SshRunResult> {
  const argv = ['ssh', ...sshArgs({
    access: { host: init.host ?? LOOPBACK, port: init.port, user: init.user },
    knownHosts: init.knownHostsFile,
    identity: init.identityFile,
    command: init.argv,
    batch: true
  })]
  try {
    const { stdout, stderr } = await runCommand(argv, { timeoutMs: init.timeoutMs ?? SSH_RUN_TIMEOUT_MS })
    return { code: 0, stdout, stderr }
  } catch (err) {
    if (err instanceof CommandFailedError && err.exitCode != null) return { code: err.exitCode, stdout: err.stdout, stderr: err.stderr }
    throw err
  }
}

/** The passwd fields of an account, or undefined when there is none. */
export function passwdEntry (name: string): string[] | undefined {
  return readFileSync('/etc/passwd', 'utf8').split('\n').map(l => l.split(':')).find(f => f[0] === name)
}

/** The pids of live processes running as `uid` (a zombie is dead: this machine's PID 1 may never reap it). */
export function processesOf (uid: number): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8')
      const state = /^State:\s+(\S)/m.exec(status)?.[1]
      const realUid = /^Uid:\s+(\d+)/m.exec(status)?.[1]
      if (state !== 'Z' && Number(realUid) === uid) pids.push(Number(entry))
    } catch {}
  }
  return pids
}

/** True while `pid` runs; a zombie is dead (this machine's PID 1 may never reap it). */
export function running (pid: number): boolean {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return false
  }
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
}
