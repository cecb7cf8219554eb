/**
 * The one lifecycle of cpnet's parts: libp2p's `Startable`. The roof lists
 * its parts once, in start order (src/node/node.ts); `startParts` starts them
 * in turn and `stopParts` stops them the other way. A stop runs every part's
 * stop whatever the one before did, so that a service that fails to stop
 * never leaves the databases open, and rethrows the failures at the end.
 */
import type { Startable } from '@libp2p/interface'

/** A node's (or a daemon's) lifecycle states, in the order they pass. */
export const NODE_STATUSES = ['stopped', 'starting', 'running', 'stopping'] as const
export type NodeStatus = typeof NODE_STATUSES[number]

/** A part and the name its failures are reported under. */
export interface NamedPart {
  name: string
  part: Startable
}

/**
 * Starts the parts in order. When one fails, it and the ones started before
 * it are stopped (the other way) and the start's own error is thrown; a
 * failure of that cleanup goes to `onCleanupError`. The part that failed is
 * stopped too, since it may have done half its start (subscribed a listener,
 * registered a handler): every part's stop must therefore be safe to call on
 * a part that did not finish starting.
 */
export async function startParts (parts: readonly NamedPart[], onCleanupError: (err: unknown) => void): Promise<void> {
  const started: NamedPart[] = []
  try {
    for (const named of parts) {
      started.push(named)
      await named.part.start()
    }
  } catch (err) {
    await stopParts(started).catch(onCleanupError)
    throw err
  }
}

/**
 * Stops the parts in reverse order, each whatever the one before did; the
 * failure is rethrown at the end (an AggregateError naming the parts when
 * several failed).
 */
export async function stopParts (parts: readonly NamedPart[]): Promise<void> {
  const failures: Array<{ name: string, error: unknown }> = []
  for (const { name, part } of [...parts].reverse()) {
    try {
      await part.stop()
    } catch (error) {
      failures.push({ name, error })
    }
  }
  if (failures.length === 1) throw failures[0]?.error
  if (failures.length > 1) {
    const summary = failures.map(f => `${f.name}: ${(f.error as Error).message}`).join('; ')
    throw new AggregateError(failures.map(f => f.error), `${failures.length} parts failed to stop: ${summary}`)
  }
}
