/**
 * A process of ours that hits an error nobody handled logs it with its cause and exits 1, so
 * its supervisor (the `npm start` primary, docker or systemd for the worker) starts a fresh
 * one instead of it running on in an unknown state.
 */
export const exitOnUnhandledErrors = (label: string) => {
  const crash = (kind: string) => (error: unknown) => {
    const cause = error instanceof Error ? (error.stack ?? error.message) : String(error)
    console.error(`${label} ${process.pid}: ${kind}, exiting to be restarted: ${cause}`)
    process.exit(1)
  }
  process.on('uncaughtException', crash('uncaught exception'))
  process.on('unhandledRejection', crash('unhandled promise rejection'))
}
