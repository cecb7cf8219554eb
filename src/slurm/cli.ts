/**
 * Slurm's commands as cpnet runs them: argv only (never a shell), bounded in
 * time, with the cluster's slurm.conf (SLURM_CONF) when the operator names
 * one, and from a folder of Slurm programs when they are not on PATH.
 */
import { join } from 'node:path'
import { CommandFailedError, runCommand } from '../command.ts'
import { SlurmCommandError } from './errors.ts'

/** The Slurm programs cpnet runs. */
const SLURM_PROGRAMS = ['sinfo', 'squeue', 'scontrol', 'salloc', 'scancel'] as const
export type SlurmProgram = typeof SLURM_PROGRAMS[number]

const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin'

export interface SlurmCliInit {
  /** slurm.conf to use ('' = Slurm's own default, or SLURM_CONF of the daemon's environment). */
  conf?: string
  /** Folder of the Slurm programs ('' = found on PATH). */
  binDir?: string
  /** Deadline of each command; 30 s by default. */
  timeoutMs?: number
}

export interface SlurmRunOptions {
  signal?: AbortSignal
  /**
   * Runs the command as this Unix user (runuser, no shell): a job is then the
   * user's own, with the user's munge credential (root's `salloc --uid` is
   * refused its grant when the allocation is not immediate).
   */
  user?: string
}

export class SlurmCli {
  readonly conf: string
  private readonly binDir: string
  private readonly timeoutMs: number

  constructor (init: SlurmCliInit = {}) {
    this.conf = init.conf ?? ''
    this.binDir = init.binDir ?? ''
    this.timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS
  }

  /** The environment Slurm's programs (and a lease's sessions) need to reach this cluster. */
  get env (): Record<string, string> {
    return this.conf === '' ? {} : { SLURM_CONF: this.conf }
  }

  /** Runs a Slurm program; resolves with its output, or throws SlurmCommandError with what Slurm said. */
  async run (program: SlurmProgram, args: readonly string[], options: SlurmRunOptions = {}): Promise<{ stdout: string, stderr: string }> {
    const path = this.binDir === '' ? program : join(this.binDir, program)
    const argv = options.user == null ? [path, ...args] : ['runuser', '-u', options.user, '--', path, ...args]
    // a command run as a lease's user gets only what Slurm needs: that user may read its environment
    const env = options.user == null ? { ...process.env, ...this.env } : { PATH: process.env.PATH ?? DEFAULT_PATH, ...this.env }
    try {
      return await runCommand(argv, { timeoutMs: this.timeoutMs, signal: options.signal, env })
    } catch (err) {
      const failed = new SlurmCommandError((err as Error).message, { cause: err })
      if (err instanceof CommandFailedError) failed.said = err.stderr.trim()
      throw failed
    }
  }
}
