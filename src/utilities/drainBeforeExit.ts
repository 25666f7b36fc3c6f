/**
 * Work a process has accepted but not finished (signups answered 202 and still queued)
 * must not be dropped by a graceful stop. Whoever owns such work registers a function that
 * resolves once it is done; the production server awaits them all, within a bound, after it
 * stops taking requests and before it exits.
 *
 * A registered symbol on globalThis, like src/cache/bridge.ts: Next bundles its own copy of
 * every module, so the signup queue (inside Next's bundle) and server.ts would otherwise
 * see two different registries.
 */
type Drain = () => Promise<unknown>

const REGISTRY = Symbol.for('clinic.drainBeforeExit')

const drains = (): Map<string, Drain> => {
  const holder = globalThis as { [REGISTRY]?: Map<string, Drain> }
  holder[REGISTRY] ??= new Map()
  return holder[REGISTRY]
}

/** Registers (or replaces, for a module loaded twice) the drain named `name`. */
export const drainBeforeExit = (name: string, drain: Drain) => {
  drains().set(name, drain)
}

/** Awaits every registered drain, at most `timeoutMs`; resolves with the names still unfinished. */
export const drainAll = async (timeoutMs: number): Promise<string[]> => {
  const pending = new Set(drains().keys())
  const all = Promise.allSettled(
    [...drains()].map(async ([name, drain]) => {
      await drain()
      pending.delete(name)
    }),
  )
  let timer: NodeJS.Timeout | undefined
  await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))])
  clearTimeout(timer)
  return [...pending]
}
