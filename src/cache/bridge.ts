/**
 * The meeting point between the production server (server.ts, which owns the response
 * cache) and the Payload running inside Next's server bundle (which owns the database).
 * Next bundles its own copy of every module, so a module-level singleton would exist twice;
 * a registered symbol on globalThis is the same object for both.
 */
export type ContentCacheBridge = {
  /** How often the revision token is read, in ms. */
  readonly pollIntervalMs: number
  /** A read of the content-revision token finished; `startedAt` is when that read began. */
  revisionRead: (revision: string | null, startedAt: number) => void
  /**
   * A hook in this process changed public content (it may not be committed yet) and wrote
   * `revision` as the new token: the cache clears now, and the poller's later read of that
   * same token does not clear it a second time (which would drop entries filled since).
   */
  contentChanged: (revision?: string) => void
  /** Set by the watcher once it runs, so a second Payload init does not start another. */
  watching?: boolean
  /** Set by the watcher: stops it (tests stop Payload while the process lives on). */
  stopWatching?: () => void
}

const BRIDGE = Symbol.for('clinic.contentCache')

export const getContentCacheBridge = (): ContentCacheBridge | undefined =>
  (globalThis as { [BRIDGE]?: ContentCacheBridge })[BRIDGE]

export const installContentCacheBridge = (bridge: ContentCacheBridge) => {
  ;(globalThis as { [BRIDGE]?: ContentCacheBridge })[BRIDGE] = bridge
}
