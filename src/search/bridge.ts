import type { SearchAnswer } from './answer'

/**
 * How the production server (server.ts) reaches the search index that lives with Payload inside
 * Next's server bundle, so that GET /api/search is answered before Next's router and Payload's
 * request set-up (src/server/searchRoute.ts): about 1 ms of a 2 ms search. As with the response
 * cache's bridge (src/cache/bridge.ts), Next bundles its own copy of every module, so the
 * answerer lives under a registered symbol on globalThis, the same for both copies.
 */
const REGISTRY = Symbol.for('clinic.searchAnswerer')
type SearchAnswerer = (params: URLSearchParams) => Promise<SearchAnswer>
type Registry = { [REGISTRY]?: SearchAnswerer }

/** src/search/service.ts warmSearchIndex, in the production server: registers this process's index. */
export const installSearchAnswerer = (answerer: SearchAnswerer | undefined) => {
  ;(globalThis as Registry)[REGISTRY] = answerer
}

/** The registered answerer, or undefined until Payload has started (the request then goes through Next). */
export const registeredSearchAnswerer = (): SearchAnswerer | undefined => (globalThis as Registry)[REGISTRY]
