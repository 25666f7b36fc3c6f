import type { Payload } from 'payload'

import { registeredContentCache, reportContentRevision } from './bridge'

/**
 * Runs inside the production server only (a cache is registered there, not in the worker, the
 * seed or tests that load Payload directly): reads the content-revision token every
 * `pollIntervalMs` and reports it, so changes made by other processes clear this
 * process's cache. One read at a time; a failing read is logged and simply not reported,
 * which makes the cache stop answering hits after its staleness bound (safe, not stale).
 */
export const watchContentRevision = (payload: Payload) => {
  const cache = registeredContentCache()
  if (!cache || cache.watching) return
  cache.watching = true
  let lastErrorLoggedAt = 0
  let stopped = false
  cache.stopWatching = () => {
    stopped = true
    cache.watching = false
  }
  const poll = async () => {
    if (stopped) return
    const startedAt = Date.now()
    try {
      const doc = (await payload.db.findGlobal({ slug: 'content-revision' })) as { revision?: string | null } | null
      reportContentRevision(doc?.revision ?? null, startedAt)
    } catch (error) {
      if (startedAt - lastErrorLoggedAt > 10_000) {
        lastErrorLoggedAt = startedAt
        payload.logger.error({ event: 'contentCache.pollFailed', err: error })
      }
    }
    setTimeout(poll, cache.pollIntervalMs).unref()
  }
  void poll()
}
