import type { Payload } from 'payload'

import { PUBLISHED_CONTENT_COLLECTIONS, isPublishedContentSlug, type PublishedContentSlug } from '../../collections/shared/publishedContentSlugs'
import { registeredContentCache } from '../cache/bridge'
import { CHANGE_LOG_WINDOW_MS } from '../cache/contentCache'
import { registeredSearchMirror } from './bridge'
import { SearchIndex } from './searchIndex'
import { entryKey, SEARCH_SOURCES, toSearchEntry, type SearchEntry } from './sources'

/** How often each process reads the content-revision token: a change anywhere is searchable within about this long. */
export const SEARCH_POLL_INTERVAL_MS = 200
/** Rows read per look at the change log; more than this since the last look means a full rebuild. */
const CHANGE_LOG_READ_LIMIT = 1000
/**
 * Each look reads the rows logged since the previous look, less this margin: a row's time is its writer's clock, and a row
 * may commit a moment after the time it carries (MongoDB: several hosts, a transaction). Rows already applied are skipped by id.
 */
const CHANGE_LOG_OVERLAP_MS = 10_000
/** Published documents read per collection for the index; a site this size has a few hundred. */
const MAX_DOCUMENTS_PER_COLLECTION = 50_000
/** Document tags of the change log (src/cache/contentTags.ts): `articles:12`, not `articles:list` nor `conditions:3:joins`. */
const DOCUMENT_TAG = /^([a-z-]+):([A-Za-z0-9_-]{1,64})$/

type ChangeRow = { id: number | string; tags?: unknown; changedAt?: string | Date | null }

/**
 * Keeps one SearchIndex per process fresh. Built on the first search from the Local API, read as
 * the public reads (published documents only, hidden fields hidden). Then, every
 * SEARCH_POLL_INTERVAL_MS, the `content-revision` token (one small read); when it changed, the
 * change log (`content-changes`, what every publish, unpublish, update and delete of public
 * content touched, in any process: src/hooks/bumpContentRevision.ts) names the documents to read
 * again: still readable, the entry is replaced; not any more, it is removed. A change the log
 * cannot account for (no look for half its window, more than CHANGE_LOG_READ_LIMIT rows since the
 * last look) rebuilds the whole index, which keeps answering meanwhile. Nothing about who searched, nor
 * what, is kept.
 */
export class SearchService {
  private index: SearchIndex | undefined
  private building: Promise<SearchIndex> | undefined
  private knownRevision: string | null | undefined
  private appliedChanges = new Set<string>()
  private lastLookAt = 0
  private timer: NodeJS.Timeout | undefined
  private stopped = false
  /** When the index last took in a change. */
  lastRefreshAt = 0
  /** Full builds so far (the first included): changes are taken in one document at a time, not by rebuilding. */
  builds = 0

  constructor(private readonly payload: Payload) {}

  /** The index, built on first use; the watcher starts with it. */
  ready(): Promise<SearchIndex> {
    if (this.index) return Promise.resolve(this.index)
    this.building ??= this.rebuild().then((index) => {
      this.schedulePoll()
      return index
    })
    return this.building
  }

  stop() {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
  }

  private async rebuild(): Promise<SearchIndex> {
    const startedAt = Date.now()
    // The token and the log first: a change after these reads is picked up by the next poll.
    const revision = await this.readRevision()
    const changes = await this.readChanges(startedAt - CHANGE_LOG_OVERLAP_MS)
    const entries: SearchEntry[] = []
    for (const collection of PUBLISHED_CONTENT_COLLECTIONS) entries.push(...(await this.readPublished(collection)))
    const index = new SearchIndex(entries)
    // The production server's search threads get the same entries (src/search/bridge.ts).
    registeredSearchMirror()?.replaceAll(entries)
    this.index = index
    this.builds += 1
    this.knownRevision = revision
    this.appliedChanges = new Set(changes.map((row) => String(row.id)))
    this.lastLookAt = startedAt
    this.lastRefreshAt = Date.now()
    this.payload.logger.info({ event: 'search.indexBuilt', documents: index.size, ms: Date.now() - startedAt })
    return index
  }

  private schedulePoll() {
    if (this.stopped) return
    this.timer = setTimeout(() => void this.poll(), SEARCH_POLL_INTERVAL_MS)
    this.timer.unref()
  }

  private lastErrorLoggedAt = 0

  private async poll() {
    try {
      await this.refresh()
    } catch (error) {
      // The index keeps answering as it was; said once per 10 s, not five times a second.
      if (Date.now() - this.lastErrorLoggedAt > 10_000) {
        this.lastErrorLoggedAt = Date.now()
        this.payload.logger.error({ event: 'search.refreshFailed', err: error })
      }
    }
    this.schedulePoll()
  }

  /** One look at the token and, when it changed, the log. Public for tests: `await refresh()` is one poll. */
  async refresh() {
    if (!this.index) return
    const startedAt = Date.now()
    const revision = await this.readRevision()
    if (revision === this.knownRevision) {
      this.lastLookAt = startedAt
      return
    }
    if (startedAt - this.lastLookAt > CHANGE_LOG_WINDOW_MS / 2) {
      await this.rebuild()
      return
    }
    const changes = await this.readChanges(this.lastLookAt - CHANGE_LOG_OVERLAP_MS)
    const fresh = changes.filter((row) => !this.appliedChanges.has(String(row.id)))
    const touched = new Map<PublishedContentSlug, Set<string>>()
    // Every row also carries `content` and list tags (src/cache/contentTags.ts changeTags); the document tags name what to read.
    const everything = changes.length >= CHANGE_LOG_READ_LIMIT
    for (const row of fresh) {
      for (const tag of Array.isArray(row.tags) ? row.tags : []) {
        const match = typeof tag === 'string' ? DOCUMENT_TAG.exec(tag) : null
        if (match && isPublishedContentSlug(match[1])) {
          const ids = touched.get(match[1]) ?? new Set<string>()
          ids.add(match[2])
          touched.set(match[1], ids)
        }
      }
    }
    if (everything) {
      await this.rebuild()
      return
    }
    for (const [collection, ids] of touched) await this.reindex(collection, [...ids])
    this.appliedChanges = new Set(changes.map((row) => String(row.id)))
    this.knownRevision = revision
    this.lastLookAt = startedAt
    if (touched.size > 0) {
      this.lastRefreshAt = Date.now()
      // How long after the change was logged this process took it in (bench:search reads it).
      const newest = Math.max(...fresh.map((row) => (row.changedAt ? new Date(row.changedAt).getTime() : startedAt)))
      this.payload.logger.info({ event: 'search.refreshed', documents: [...touched.values()].reduce((sum, ids) => sum + ids.size, 0), lagMs: this.lastRefreshAt - newest })
    }
  }

  private async reindex(collection: PublishedContentSlug, ids: string[]) {
    const index = this.index!
    const typedIds = this.payload.db.defaultIDType === 'number' ? ids.map(Number).filter(Number.isSafeInteger) : ids
    const docs = await this.readPublished(collection, typedIds)
    const found = new Set(docs.map((entry) => entry.key))
    const gone = ids.map((id) => entryKey(collection, id)).filter((key) => !found.has(key))
    for (const entry of docs) index.upsert(entry)
    for (const key of gone) index.remove(key)
    registeredSearchMirror()?.upsert(docs)
    registeredSearchMirror()?.remove(gone)
  }

  private async readPublished(collection: PublishedContentSlug, ids?: Array<number | string>): Promise<SearchEntry[]> {
    const { docs } = await this.payload.find({
      collection,
      where: ids ? { id: { in: ids } } : undefined,
      select: SEARCH_SOURCES[collection].select as never,
      depth: 0,
      limit: ids ? ids.length : MAX_DOCUMENTS_PER_COLLECTION,
      pagination: false,
      overrideAccess: false,
      draft: false,
    })
    return docs.map((doc) => toSearchEntry(collection, doc as Record<string, any>))
  }

  private async readRevision(): Promise<string | null> {
    const doc = (await this.payload.db.findGlobal({ slug: 'content-revision' })) as { revision?: string | null } | null
    return doc?.revision ?? null
  }

  private async readChanges(since: number): Promise<ChangeRow[]> {
    const { docs } = await this.payload.db.find<ChangeRow>({
      collection: 'content-changes',
      where: { changedAt: { greater_than_equal: new Date(since).toISOString() } },
      sort: '-changedAt',
      limit: CHANGE_LOG_READ_LIMIT,
      pagination: false,
    })
    return docs
  }
}

// One per Payload instance (a process has one; tests may start several in turn).
const services = new WeakMap<Payload, SearchService>()

export const searchServiceFor = (payload: Payload): SearchService => {
  let service = services.get(payload)
  if (!service) {
    service = new SearchService(payload)
    services.set(payload, service)
  }
  return service
}

/**
 * In the production server only (a response cache is registered there: server.ts; not in the
 * worker, the seed or tests): builds the index while the server starts, so the first reader
 * does not wait for it, and starts the watcher.
 */
export const warmSearchIndex = (payload: Payload) => {
  const cache = registeredContentCache()
  if (!cache) return
  const service = searchServiceFor(payload)
  // Stops with the cache's own watcher (server shutdown, tests' tear-down), before the database closes.
  const stopCacheWatcher = cache.stopWatching
  cache.stopWatching = () => {
    stopCacheWatcher?.()
    service.stop()
  }
  service.ready().catch((error) => payload.logger.error({ event: 'search.warmFailed', err: error }))
}
