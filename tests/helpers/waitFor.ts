/**
 * The one way tests wait: poll `check` until it returns something truthy (returned), or
 * fail after `timeoutMs` naming `what` and, when given, what `explain` says (a worker's
 * log, the unfinished rows) — so a timeout reads as the fact that never became true.
 *
 * Tests wait on facts (a row's state, a message at the SMTP sink, a log line), never on a
 * fixed pause; a sleep stays only where the passing of time is the subject of the test.
 */
export type WaitOptions = {
  /** Default 90 s (generous: the CI machine is small and shared). */
  timeoutMs?: number
  /** Pause between checks; default 50 ms. */
  intervalMs?: number
  /** Appended to the timeout error: whatever explains why the fact never came. */
  explain?: () => string | Promise<string>
}

export const waitFor = async <T>(
  what: string,
  check: () => Promise<T | false | null | undefined> | T | false | null | undefined,
  options: number | WaitOptions = {},
): Promise<T> => {
  const { timeoutMs = 90_000, intervalMs = 50, explain } = typeof options === 'number' ? { timeoutMs: options } : options
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) {
      const detail = explain ? `\n${await explain()}` : ''
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`)
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Last `chars` of each process's output, separated: the usual `explain` of a test with workers. */
export const outputsOf = (processes: Array<{ output: () => string } | undefined>, chars = 3000) => () =>
  processes
    .filter((p): p is { output: () => string } => Boolean(p))
    .map((p) => p.output())
    .join('\n---\n')
    .slice(-chars)
