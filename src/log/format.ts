/**
 * One pino JSON line as a person reads it: `12:00:01.123 INFO  cpnet:rpc  message key=value`.
 * Used by the daemon's own terminal output and by `cpnet testnet logs`, which
 * reads the JSON a daemon wrote to its log file. Kept apart from logger.ts so
 * the CLI formats logs without loading pino.
 */
const PRETTY_LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' }

/** A line that is not a pino record (the daemon's banner on stdout, JSON without a numeric time) is returned as it is. */
export function formatLogLine (line: string): string {
  let record: unknown
  try {
    record = JSON.parse(line)
  } catch {
    return line
  }
  if (record == null || typeof record !== 'object' || Array.isArray(record) || !('msg' in record) || !('level' in record)) return line
  const { level, time, msg, component, pid: _pid, hostname: _host, ...rest } = record as Record<string, unknown>
  // pino always writes a time; a record without one (or with one no Date holds) is no line of the daemon's
  const date = new Date(typeof time === 'number' ? time : NaN)
  if (Number.isNaN(date.getTime())) return line
  const stamp = date.toISOString().slice(11, 23)
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
  return `${stamp} ${PRETTY_LEVELS[Number(level)] ?? String(level)} ${String(component ?? 'cpnet')}  ${String(msg)}${fields === '' ? '' : '  ' + fields}`
}
