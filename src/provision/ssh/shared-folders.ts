/**
 * What a lease's user left in the folders every user may write (/tmp,
 * /var/tmp, /dev/shm, the POSIX shared memory): removed when the account
 * goes, because useradd gives a freed uid to the next account, which would
 * own those files (one consumer's data open to the next).
 */
import { stat } from 'node:fs/promises'
import { runCommand } from '../../command.ts'
import { PROGRAM_ENV, type Programs, type RunLimits } from './programs.ts'

const SHARED_FOLDERS = ['/tmp', '/var/tmp', '/dev/shm']

async function isFolder (path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

/** Deletes every file and folder owned by `uid` in the shared folders (each on its own file system only; links are not followed). */
export async function removeSharedFiles (programs: Programs, uid: number, limits: RunLimits): Promise<void> {
  const folders: string[] = []
  for (const folder of SHARED_FOLDERS) if (await isFolder(folder)) folders.push(folder)
  if (folders.length === 0) return
  await runCommand([programs.find, ...folders, '-xdev', '-uid', String(uid), '-delete'], { ...limits, env: PROGRAM_ENV })
}
