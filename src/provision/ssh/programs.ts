/**
 * The system programs the ssh provisioner runs, found once by absolute path
 * (a daemon started by an init system may have a PATH without /usr/sbin),
 * and the one environment they all get: a fixed PATH and locale, never the
 * daemon's own variables (the programs that run as a lease's user could be
 * read by that user's processes).
 */
import { constants } from 'node:fs'
import { access } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import { ProvisionerUnavailableError } from '../errors.ts'

/** Each program and the Debian package that has it, for the error that says what to install. */
const PROGRAM_PACKAGES = {
  useradd: 'passwd',
  usermod: 'passwd',
  userdel: 'passwd',
  pkill: 'procps',
  pgrep: 'procps',
  setpriv: 'util-linux',
  find: 'findutils'
} as const

export type ProgramName = keyof typeof PROGRAM_PACKAGES
export type Programs = Readonly<Record<ProgramName, string>>

const SYSTEM_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin']

/** Each program run's deadline and the signal that aborts it. */
export interface RunLimits {
  timeoutMs: number
  signal: AbortSignal
}

/** What every program run by the provisioner gets as its whole environment. */
export const PROGRAM_ENV: NodeJS.ProcessEnv = { PATH: SYSTEM_DIRS.join(':'), LC_ALL: 'C' }

async function executable (path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

async function findProgram (name: string): Promise<string | undefined> {
  const dirs = [...SYSTEM_DIRS, ...(process.env.PATH ?? '').split(delimiter).filter(d => d.startsWith('/'))]
  for (const dir of dirs) {
    const path = join(dir, name)
    if (await executable(path)) return path
  }
  return undefined
}

/** The absolute path of each program; throws ProvisionerUnavailableError naming every one missing and its package. */
export async function findPrograms (): Promise<Programs> {
  const found: Partial<Record<ProgramName, string>> = {}
  const missing: string[] = []
  for (const name of Object.keys(PROGRAM_PACKAGES) as ProgramName[]) {
    const path = await findProgram(name)
    if (path == null) missing.push(`${name} (Debian package ${PROGRAM_PACKAGES[name]})`)
    else found[name] = path
  }
  if (missing.length > 0) throw new ProvisionerUnavailableError(`the ssh provisioner needs programs that are not installed: ${missing.join(', ')}`)
  return found as Programs
}
