/**
 * What the daemon does with stdout and stderr once nobody reads them: kept
 * apart from the logger, so the CLI's `daemon` command can set it up without
 * loading pino before the command runs.
 */
const CLOSED_PIPE_CODES = new Set(['EPIPE', 'ERR_STREAM_DESTROYED'])

/**
 * `cpnet daemon 2>&1 | tee log`, then Ctrl-C: tee dies with the daemon's
 * process group, and every later write to stdout or stderr fails with EPIPE.
 * Unhandled, that error ends the process halfway through its shutdown (the
 * `api` file and `repo.lock` stay behind); output nobody can read any more is
 * dropped instead. Any other stream error still surfaces.
 */
export function ignoreClosedPipe (stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code != null && CLOSED_PIPE_CODES.has(err.code)) return
    throw err
  })
}
