/**
 * Progress of a long command, on stderr so that stdout stays for the result.
 * On a terminal one status line is rewritten in place; elsewhere (a pipe, a
 * CI log) every event is a line of its own, since rewriting would only smear
 * control characters through the file.
 */
export interface Progress {
  /** A new state for the in-place line (terminal only). */
  status: (text: string) => void
  /** A line that stays (everywhere). */
  line: (text: string) => void
  /** Clears the in-place line. */
  done: () => void
  readonly tty: boolean
}

const CLEAR_LINE = '\r\x1b[2K'

export function progressOn (stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true
  let current = ''
  const draw = (): void => {
    const width = stream.columns > 1 ? stream.columns - 1 : 79
    stream.write(CLEAR_LINE + current.slice(0, width))
  }
  return {
    tty,
    status: text => {
      if (!tty) return
      current = text
      draw()
    },
    line: text => {
      if (tty) stream.write(CLEAR_LINE)
      stream.write(text + '\n')
      if (tty && current !== '') draw()
    },
    done: () => {
      if (tty && current !== '') stream.write(CLEAR_LINE)
      current = ''
    }
  }
}
