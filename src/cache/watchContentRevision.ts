import type { Payload } from 'payload'

import { registeredContentCache, reportContentRevision } from './bridge'
import { CHANGE_LOG_WINDOW_MS, type ContentChange } from './contentCache'

/** Rows read per look at the change log; more changes than this within the window count as a gap (a full clear). */
const CHANGE_LOG_READ_LIMIT = 1000

type ChangeRow = { id: number | string; revision?: string | null; tags?: unknown; changedAt?: string | Date | null }

/** The change log's rows of the last CHANGE_LOG_WINDOW_MS, newest first, adapter-neutral (payload.db). */
const readRecentChanges = async (payload: Payload, now: number): Promise<ContentChange[]> => {
  const { docs } = await payload.db.find<ChangeRow>({
    collection: 'content-changes',
    where: { changedAt: { greater_than_equal: new Date(now - CHANGE_LOG_WINDOW_MS).toISOString() } },
    sort: '-changedAt',
    limit: CHANGE_LOG_READ_LIMIT,
    pagination: false,
  })
  return docs.map((row) => ({
    id: row.id,
    revision: row.revision ?? '',
    tags: Array.isArray(row.tags) ? row.tags.filter((tag): tag is string => typeof tag === 'string') : [],
    changedAt: row.changedAt ? new Date(row.changedAt).getTime() : now,
  }))
}

/**
 * Runs inside the production server only (a cache is registered there, not in the worker, the
 * seed or tests that load Payload directly): reads the content-revision token every
 * `pollIntervalMs` and, when it is not the one last seen, the recent change log (after the
 * token, so the token's own row is among it), and reports both, so changes made by other
 * processes drop the same entries from this process's cache. One read at a time; a failing
 * read is logged and simply not reported, which makes the cache stop answering hits after its
 * staleness bound (safe, not stale).
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
      const revision = doc?.revision ?? null
      const known = cache.knownRevision()
      // The first read too: the rows already there are marked as applied.
      const changes = known === undefined || revision !== known ? await readRecentChanges(payload, startedAt) : undefined
      reportContentRevision(revision, startedAt, changes)
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
