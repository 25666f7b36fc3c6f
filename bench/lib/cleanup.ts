/**
 * Stops what a benchmark started, once, in reverse order, also on Ctrl+C or SIGTERM
 * (the Next server runs in its own process group and would outlive the bench).
 */
export const createCleanup = (what: string, first?: () => Promise<unknown> | void) => {
  const steps: Array<() => Promise<unknown>> = []
  let running: Promise<void> | undefined
  let interrupted = false
  const run = () =>
    (running ??= (async () => {
      await first?.()
      for (const step of steps.reverse()) {
        try {
          await step()
        } catch (error) {
          console.error('cleanup failed:', error)
        }
      }
    })())
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true
      console.error(`\n${signal}: stopping ${what}...`)
      void run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
    })
  }
  /**
   * Runs the bench's `main`: a failure is said (with `explain`'s details), not after Ctrl+C,
   * which already said why it stopped, and exits 1; cleans up either way.
   */
  const runMain = async (bench: string, main: () => Promise<void>, explain?: () => void) => {
    try {
      await main()
    } catch (error) {
      if (!interrupted) {
        console.error(`\n${bench} failed:`, error instanceof Error ? error.message : error)
        explain?.()
      }
      process.exitCode = 1
    } finally {
      await run()
    }
  }
  return { add: (step: () => Promise<unknown>) => void steps.push(step), run, runMain }
}
