/** Polls until `check` returns true; throws naming `what` after the deadline. */
export async function waitFor (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

/**
 * Polls until `remaining` reaches 0. It fails only when the count has not
 * fallen for `stallMs`: a loaded machine makes progress slowly, a stuck one
 * makes none, and only the second is an error (a fixed deadline tuned to a
 * quiet machine fails the first too).
 */
export async function waitForProgress (what: string, remaining: () => number | Promise<number>, stallMs = 30_000, intervalMs = 50): Promise<void> {
  let best = Infinity
  let lastProgress = Date.now()
  for (;;) {
    const left = await remaining()
    if (left <= 0) return
    if (left < best) {
      best = left
      lastProgress = Date.now()
    } else if (Date.now() - lastProgress >= stallMs) {
      throw new Error(`no progress for ${stallMs} ms waiting for ${what} (${left} left)`)
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
}
