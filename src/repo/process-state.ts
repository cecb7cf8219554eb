import { readFileSync } from 'node:fs'

/**
 * The kernel's state letter of a process on Linux (`R`, `S`, `Z` for a zombie
 * …), from /proc (minimal images often have no procps); undefined when it is
 * gone or this is not Linux.
 */
export function processState (pid: number | string): string | undefined {
  if (process.platform !== 'linux') return undefined
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the state letter follows the command name, which is in parentheses and may itself hold spaces or ')'
    return stat.charAt(stat.lastIndexOf(')') + 2)
  } catch {
    return undefined
  }
}
