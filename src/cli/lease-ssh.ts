/**
 * The CLI's side of an SSH access: which public keys a lease request sends
 * (--ssh-key, else ~/.ssh/id_ed25519.pub), and `cpnet lease ssh`, which runs
 * the system ssh on this terminal with the lease's host keys pinned in the
 * repo's known_hosts (provision/ssh-client.ts).
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

export const DEFAULT_SSH_KEY_FILE = join(homedir(), '.ssh', 'id_ed25519.pub')

/** The keys a request sends, and where they came from (said in the output). */
export interface SshKeyChoice {
  keys: string[]
  files: string[]
}

/** Each file's non-empty, non-comment lines; with no file given, the default key when it exists. */
export function chooseSshKeys (files: readonly string[], defaultFile = DEFAULT_SSH_KEY_FILE): SshKeyChoice {
  const chosen = files.length > 0 ? [...files] : existsSync(defaultFile) ? [defaultFile] : []
  const keys = chosen.flatMap(file => {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (err) {
      throw new Error(`cannot read the SSH public key ${file}: ${(err as Error).message}`)
    }
    const lines = text.split('\n').map(l => l.trim()).filter(l => l !== '' && !l.startsWith('#'))
    if (lines.length === 0) throw new Error(`${file} holds no SSH public key`)
    return lines
  })
  return { keys, files: chosen }
}

/** Runs ssh on this terminal; resolves with its exit code (255: ssh's own failure, as ssh says). */
export async function runSsh (args: readonly string[], program = 'ssh'): Promise<number> {
  const child = spawn(program, args, { stdio: 'inherit' })
  return new Promise((resolve, reject) => {
    child.once('error', err => { reject(new Error(`cannot run ${program}: ${err.message} (install an OpenSSH client)`)) })
    child.once('close', (code, signal) => { resolve(code ?? (signal != null ? 128 : 255)) })
  })
}
