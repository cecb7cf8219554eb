/** Polls until `check` returns true; throws naming `what` after the deadline. */
export async function waitFor (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}
