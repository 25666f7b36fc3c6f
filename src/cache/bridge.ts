import type { ContentCache, ContentChange } from './contentCache'

/**
 * The meeting point between the production server (server.ts, which owns the response
 * cache) and the Payload running inside Next's server bundle (which owns the database).
 * Next bundles its own copy of every module, so a module-level variable would exist twice:
 * the registered cache lives under a registered symbol on globalThis, the same object for
 * both copies. Callers never touch that symbol: they import the functions below, each of
 * which calls the one ContentCache method it names (go-to-definition leads there).
 *
 * The invalidation path: a hook (src/hooks/bumpContentRevision.ts) → invalidateContentCache
 * → ContentCache.contentChanged; another process's change → watchContentRevision's poll (the
 * token, and the change log when the token is new) → reportContentRevision → ContentCache.revisionRead.
 */

const REGISTRY = Symbol.for('clinic.contentCache')
type Registry = { [REGISTRY]?: ContentCache }

/** This process's response cache, or undefined (the worker, the seed, tests without one). */
export const registeredContentCache = (): ContentCache | undefined => (globalThis as Registry)[REGISTRY]

/** server.ts (and tests): registers the cache, before Next loads Payload (whose onInit starts the watcher). */
export const installContentCacheBridge = (cache: ContentCache) => {
  ;(globalThis as Registry)[REGISTRY] = cache
}

/** Public content changed in this process, touching `tags`, logged as row `changeId`: drop its entries now (ContentCache.contentChanged). */
export const invalidateContentCache = (tags: string[], changeId?: number | string) => registeredContentCache()?.contentChanged(tags, changeId)

/** A read of the revision token that began at `startedAt` found `revision`, and the change log `changes` (ContentCache.revisionRead). */
export const reportContentRevision = (revision: string | null, startedAt: number, changes?: ContentChange[]) =>
  registeredContentCache()?.revisionRead(revision, startedAt, changes)
