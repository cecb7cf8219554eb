/**
 * The demo's SSH delivery: a private sshd on loopback that every provider's
 * ssh provisioner makes its lease accounts behind (homes in a temp folder),
 * and the consumer's key pair to log in with. Where sshd cannot run (not
 * root, no openssh-server) the demo says why and skips the login.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCommand } from '../command.ts'
import type { Config } from '../config/schema.ts'
import { SshProvisioner } from '../provision/ssh/provisioner.ts'
import { pinHostKeys, sshArgs } from '../provision/ssh-client.ts'
import type { SshAccess } from '../provision/types.ts'
import { sshdMissing, sshKeyPair, startSshd } from './sshd.ts'

/** The demo's lease accounts: a prefix of their own, so that the clean-up never meets another account. */
const DEMO_USER_PREFIX = 'cpdemo'
const CLEANUP_TIMEOUT_MS = 60_000
const SSH_TIMEOUT_MS = 30_000

export interface DemoSsh {
  /** The providers' lease.ssh settings. */
  settings: Config['lease']['ssh']
  /** The consumer's public key, sent in its access request. */
  publicKey: string
  /** Runs `argv` on a lease's host as the consumer, its host keys pinned; resolves with what it printed. */
  run: (access: SshAccess, argv: string[]) => Promise<string>
  /** Removes every demo account still there (a demo that failed half-way), stops sshd and removes its files. */
  stop: () => Promise<void>
}

/** Takes down, through the ssh provisioner itself, every lease account still there under these settings' prefix. */
export async function removeLeaseAccounts (settings: Config['lease']['ssh']): Promise<void> {
  const provisioner = new SshProvisioner(settings)
  const signal = AbortSignal.timeout(CLEANUP_TIMEOUT_MS)
  for (const leaseId of await provisioner.provisioned(signal)) await provisioner.stop(leaseId, signal)
}

/** The demo's sshd, or why there is none. */
export async function startDemoSsh (): Promise<DemoSsh | { missing: string }> {
  const missing = sshdMissing()
  if (missing != null) return { missing }
  const dir = mkdtempSync(join(tmpdir(), 'cpnet-demo-ssh-'))
  // the lease accounts reach their homes through it
  chmodSync(dir, 0o755)
  const homeBase = join(dir, 'home')
  mkdirSync(homeBase, { mode: 0o755 })
  let sshd: Awaited<ReturnType<typeof startSshd>> | undefined
  try {
    sshd = await startSshd()
    const running = sshd
    const key = await sshKeyPair(dir, 'consumer')
    const knownHosts = join(dir, 'known_hosts')
    const settings: Config['lease']['ssh'] = { host: '127.0.0.1', port: sshd.port, hostKeys: sshd.hostKeyFiles, homeBase, userPrefix: DEMO_USER_PREFIX, shell: '/bin/sh', groups: [] }
    return {
      settings,
      publicKey: key.publicKey,
      run: async (access, argv) => {
        pinHostKeys(knownHosts, access)
        const ssh = sshArgs({ access, knownHosts, identity: key.privateKeyFile, command: argv, batch: true })
        return (await runCommand(['ssh', ...ssh], { timeoutMs: SSH_TIMEOUT_MS })).stdout
      },
      stop: async () => {
        try {
          // what a provider stopped before its lease ended left behind
          await removeLeaseAccounts(settings)
          await running.stop()
        } finally {
          rmSync(dir, { recursive: true, force: true })
        }
      }
    }
  } catch (err) {
    await sshd?.stop()
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
}
