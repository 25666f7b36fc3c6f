import type { SearchEntry } from './sources'

/**
 * How this process's SearchService (src/search/service.ts, with Payload inside Next's server
 * bundle) feeds the production server's search threads (src/search/workerPool.ts, created by
 * server.ts, which answers GET /api/search with them in front of Next: src/server/searchRoute.ts).
 * As with the response cache's bridge (src/cache/bridge.ts), Next bundles its own copy of every
 * module, so the pool lives under a registered symbol on globalThis, the same for both copies.
 */
export type SearchMirror = {
  replaceAll(entries: SearchEntry[]): void
  upsert(entries: SearchEntry[]): void
  remove(keys: string[]): void
}

const REGISTRY = Symbol.for('clinic.searchMirror')
type Registry = { [REGISTRY]?: SearchMirror }

/** server.ts: registers the pool, before Next loads Payload (whose onInit builds the index). */
export const installSearchMirror = (mirror: SearchMirror | undefined) => {
  ;(globalThis as Registry)[REGISTRY] = mirror
}

/** The production server's search threads, or undefined (dev, tests, the worker, the seed). */
export const registeredSearchMirror = (): SearchMirror | undefined => (globalThis as Registry)[REGISTRY]
