/**
 * A private OpenSSH server: /usr/sbin/sshd on a free loopback port with its
 * own config, host keys and pid file in a temp folder, stopped and removed by
 * stop(). The demo's ssh provisioner logs consumers in through one, and so do
 * the tests and the benchmark; a real provider uses the host's own sshd.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { runCommand } from '../command.ts'
import { freePort } from './free-port.ts'

const SSHD_PATH = '/usr/sbin/sshd'
/** sshd's privilege separation folder, which the openssh-server package makes at boot; shared by every sshd, so never removed. */
const PRIVSEP_DIR = '/run/sshd'
const LOOPBACK = '127.0.0.1'
const SSHD_READY_TIMEOUT_MS = 10_000
const SSHD_STOP_TIMEOUT_MS = 5_000
const POLL_MS = 50
const KEYGEN_TIMEOUT_MS = 30_000
/** Tries with another port when the one the OS gave was taken before sshd bound it. */
const PORT_TRIES = 3
/** The variables authorized_keys `environment=` options may set by default: the provisioners' device pins. */
const PROVIDER_ENV_PATTERNS = 'CUDA_VISIBLE_DEVICES,NVIDIA_VISIBLE_DEVICES,ROCR_VISIBLE_DEVICES,HIP_VISIBLE_DEVICES,SLURM_CONF,SLURM_JOB_ID,SLURM_JOBID,CPNET_*'
const HOST_KEY_TYPES = ['ed25519', 'ecdsa'] as const

export interface SshdInit {
  /** sshd's PermitUserEnvironment: by default the variables the provisioners set (devices, a Slurm lease's job) and CPNET_*; `yes` lets a consumer's own variables through too. */
  permitUserEnvironment?: string
}

export interface Sshd {
  port: number
  /** The public host key files (`….pub`), as a provisioner's hostKeys setting names them. */
  hostKeyFiles: string[]
  /** Stops sshd (sessions already open end with their own processes) and removes its folder. */
  stop: () => Promise<void>
}

/** Why a private sshd cannot run here (as what is missing), or undefined when it can. */
export function sshdMissing (): string | undefined {
  if (process.geteuid?.() !== 0) return 'not root (the ssh provisioner makes Unix accounts, and sshd runs as root)'
  if (!existsSync(SSHD_PATH)) return `${SSHD_PATH} is missing (Debian: apt-get install openssh-server)`
  for (const program of ['ssh', 'ssh-keygen']) {
    if (spawnSync(program, ['-V'], { encoding: 'utf8' }).error != null) return `${program} is missing (Debian: apt-get install openssh-client)`
  }
  return undefined
}

async function accepts (port: number): Promise<boolean> {
  return await new Promise(resolve => {
    const socket = createConnection({ host: LOOPBACK, port })
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => { resolve(false) })
  })
}

/** Makes an ed25519 key pair `<dir>/<name>` (no passphrase); returns the private key path and the public key line. */
export async function sshKeyPair (dir: string, name: string): Promise<{ privateKeyFile: string, publicKey: string }> {
  const privateKeyFile = join(dir, name)
  await runCommand(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', privateKeyFile], { timeoutMs: KEYGEN_TIMEOUT_MS })
  return { privateKeyFile, publicKey: readFileSync(`${privateKeyFile}.pub`, 'utf8').trim() }
}

function sshdConfig (dir: string, port: number, init: SshdInit): string {
  return [
    `Port ${port}`,
    `ListenAddress ${LOOPBACK}`,
    ...HOST_KEY_TYPES.map(type => `HostKey ${join(dir, `ssh_host_${type}_key`)}`),
    `PidFile ${join(dir, 'sshd.pid')}`,
    'AuthorizedKeysFile .ssh/authorized_keys',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    // without PAM sshd itself refuses locked (`!`) and expired accounts
    'UsePAM no',
    'PermitRootLogin no',
    'StrictModes yes',
    `PermitUserEnvironment ${init.permitUserEnvironment ?? PROVIDER_ENV_PATTERNS}`,
    'UseDNS no',
    'PrintMotd no',
    'LogLevel VERBOSE',
    ''
  ].join('\n')
}

async function stopProcess (child: ChildProcess): Promise<void> {
  if (child.exitCode != null || child.signalCode != null) return
  const exited = new Promise<void>(resolve => { child.once('exit', () => { resolve() }) })
  child.kill('SIGTERM')
  const timer = setTimeout(() => { child.kill('SIGKILL') }, SSHD_STOP_TIMEOUT_MS)
  await exited
  clearTimeout(timer)
}

/** Starts sshd once `port` is its; throws with sshd's own words when it exits or never listens. */
async function launch (dir: string, port: number, init: SshdInit): Promise<ChildProcess> {
  const configFile = join(dir, 'sshd_config')
  writeFileSync(configFile, sshdConfig(dir, port, init))
  await runCommand([SSHD_PATH, '-t', '-f', configFile], { timeoutMs: KEYGEN_TIMEOUT_MS })
  const child = spawn(SSHD_PATH, ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] })
  let said = ''
  child.stderr?.on('data', (chunk: Buffer) => { said = (said + chunk.toString('utf8')).slice(-4000) })
  const deadline = Date.now() + SSHD_READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode != null || child.signalCode != null) throw new Error(`sshd exited before it listened: ${said.trim()}`)
    if (await accepts(port)) return child
    await sleep(POLL_MS)
  }
  await stopProcess(child)
  throw new Error(`sshd did not listen on ${LOOPBACK}:${port} within ${SSHD_READY_TIMEOUT_MS} ms: ${said.trim()}`)
}

/** Starts a private sshd on a free loopback port; call stop() in teardown. */
export async function startSshd (init: SshdInit = {}): Promise<Sshd> {
  mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 })
  const dir = mkdtempSync(join(tmpdir(), 'cpnet-sshd-'))
  const remove = (): void => { rmSync(dir, { recursive: true, force: true }) }
  try {
    chmodSync(dir, 0o700)
    for (const type of HOST_KEY_TYPES) {
      await runCommand(['ssh-keygen', '-q', '-t', type, '-N', '', '-C', '', '-f', join(dir, `ssh_host_${type}_key`)], { timeoutMs: KEYGEN_TIMEOUT_MS })
    }
    let lastError: Error | undefined
    for (let attempt = 0; attempt < PORT_TRIES; attempt++) {
      const port = await freePort()
      try {
        const child = await launch(dir, port, init)
        return {
          port,
          hostKeyFiles: HOST_KEY_TYPES.map(type => join(dir, `ssh_host_${type}_key.pub`)),
          stop: async () => {
            await stopProcess(child)
            remove()
          }
        }
      } catch (err) {
        lastError = err as Error
        if (!/Address already in use/.test(lastError.message)) break
      }
    }
    throw lastError ?? new Error('sshd did not start')
  } catch (err) {
    remove()
    throw err
  }
}
