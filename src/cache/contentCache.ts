import type { IncomingMessage, ServerResponse } from 'node:http'

import { LRUCache } from 'lru-cache'

import { captureResponse, dropHeader, fillHeadersOf, forceHeader, respondWith, type CapturedResponse } from './cachedResponse'
import type { ContentCacheConfig } from './config'
import { classifyGraphql, classifyRest, classifySitePath, graphqlParamsFromSearch, isAuthenticated, type Classification } from './rules'
import { ANY_CHANGE_TAG, CONTENT_TAGS_HEADER } from './contentTags'
import { UnlistedOriginLog } from '../security/unlistedOrigins'
import { TaggedStore } from './taggedStore'
import { fetchUpstream, forwardUpstream, type Transport, type UpstreamRequest } from './upstream'

// Where they were defined before the split: server.ts and the tests import them from here.
export { httpTransport, type Transport, type UpstreamRequest, type UpstreamResponse } from './upstream'
export type { XCache } from './cachedResponse'

/** How far back the watcher reads the change log; a process silent for half of it clears everything. */
export const CHANGE_LOG_WINDOW_MS = 10 * 60_000

type NextHandler = (req: IncomingMessage, res: ServerResponse) => unknown

/** A row of the change log (src/cache/contentChangeLog.ts) as the revision watcher reports it. */
export type ContentChange = { id: number | string; revision: string; tags: string[]; changedAt: number }

/**
 * The anonymous read cache in front of Next (see README "Caching"). It answers cache hits
 * from memory; misses go to Payload (through Next, over the `upstream` function), with
 * concurrent misses for one key sharing one upstream request. It is the bridge the content
 * revision watcher and hooks report to, through src/cache/bridge.ts (`reportContentRevision`,
 * `invalidateContentCache`); how it fetches and serves is in ./upstream.ts and ./cachedResponse.ts.
 *
 * Freshness: every entry carries the tags of what it contains (src/cache/contentTags.ts,
 * sent by Payload as `x-content-tags`). Every change to public content writes a row of the
 * change log (its tags) and a new content-revision token (in the same transaction as the
 * change) and, in this process, calls `contentChanged` at once, which drops the entries
 * carrying any of its tags. The token is read every `pollIntervalMs`; a new token makes the
 * watcher read the recent change log, and the rows this process has not applied yet drop
 * their tags; a token whose row is not among them (a gap) clears everything. A hit is only
 * served while the last completed read of the token began at most `maxStalenessMs` ago, and
 * a response is only stored if no change touching its tags happened while it was fetched.
 */
export class ContentCache {
  /** How often the revision token is read, in ms. */
  readonly pollIntervalMs: number
  /** Set by the watcher (watchContentRevision) once it runs, so a second Payload init does not start another. */
  watching?: boolean
  /** Set by the watcher: stops it (tests stop Payload while the process lives on). */
  stopWatching?: () => void

  private revision: string | null | undefined = undefined
  private confirmedAt = Number.NEGATIVE_INFINITY
  /** Change-log rows already applied (this process's own, and those read), with their time, for CHANGE_LOG_WINDOW_MS. */
  private readonly appliedChanges = new Map<number | string, number>()
  /** The tags of this process's recent changes, by their ordinal (`localChanges`), to drop again when their request ends. */
  private readonly localChangeTags: string[][] = []
  private localChanges = 0
  private readonly entries: TaggedStore<CapturedResponse>
  private readonly inflight = new Map<string, { startedAt: number; response: Promise<CapturedResponse> }>()
  // Parsing and printing a GraphQL query costs more than serving its hit: remember recent answers.
  private readonly classifications = new LRUCache<string, Classification>({
    max: 5000,
    maxSize: 4 * 1024 * 1024,
    sizeCalculation: (classification, memoKey) => memoKey.length + (classification.cacheable ? classification.key.length : 64),
  })
  private readonly cacheControl: string
  private readonly allowedOrigins: ReadonlySet<string>
  private readonly unlistedOrigins: UnlistedOriginLog

  readonly counters = { hit: 0, miss: 0, bypass: 0, stored: 0, invalidations: 0, clears: 0, dropped: 0 }

  constructor(
    private readonly config: ContentCacheConfig,
    private readonly options: { transport: Transport; allowedOrigins: string[]; now?: () => number; logUnlistedOrigin?: (message: string) => void },
  ) {
    this.unlistedOrigins = new UnlistedOriginLog(options.allowedOrigins, options.logUnlistedOrigin)
    this.pollIntervalMs = config.pollIntervalMs
    this.entries = new TaggedStore({ maxBytes: config.maxBytes, ledgerMs: config.upstreamTimeoutMs + 5_000, now: () => this.now() })
    this.cacheControl =
      `public, max-age=0, s-maxage=${config.sMaxAgeSeconds}, ` + `stale-while-revalidate=${config.staleWhileRevalidateSeconds}`
    this.allowedOrigins = new Set(options.allowedOrigins)
  }

  private now() {
    return this.options.now ? this.options.now() : Date.now()
  }

  // ---- freshness: what the bridge reports ----

  /** The token the watcher last reported; when a read finds another, it reads the change log too. */
  knownRevision() {
    return this.revision
  }

  /**
   * A read of the content-revision token finished; `startedAt` is when that read began. With a
   * new token, `changes` are the change-log rows of the last CHANGE_LOG_WINDOW_MS, read after
   * the token (so they include the token's own row, written in its transaction or before it).
   */
  revisionRead(revision: string | null, startedAt: number, changes?: ContentChange[]) {
    // After a silence longer than the change log's window, rows may have aged out unseen.
    const silent = startedAt - this.confirmedAt > CHANGE_LOG_WINDOW_MS / 2
    if (revision !== this.revision || (silent && this.revision !== undefined)) {
      const first = this.revision === undefined
      this.revision = revision
      // The log's rows from before this process started are old news: nothing was cached then.
      if (first) for (const change of changes ?? []) this.appliedChanges.set(change.id, change.changedAt)
      else {
        const complete = !silent && changes !== undefined && (revision === null || changes.some((change) => change.revision === revision))
        if (!complete) this.invalidate()
        else for (const change of changes) this.applyChange(change)
      }
    }
    for (const [id, changedAt] of this.appliedChanges) if (changedAt < startedAt - CHANGE_LOG_WINDOW_MS) this.appliedChanges.delete(id)
    if (startedAt > this.confirmedAt) this.confirmedAt = startedAt
  }

  private applyChange(change: ContentChange) {
    if (this.appliedChanges.has(change.id)) return
    this.appliedChanges.set(change.id, change.changedAt)
    this.dropTags(change.tags)
  }

  /**
   * A hook in this process changed public content (it may not be committed yet): its entries
   * go now, and the watcher's later read of the change log skips the row (`changeId`).
   */
  contentChanged(tags: string[], changeId?: number | string) {
    if (changeId !== undefined) this.appliedChanges.set(changeId, this.now())
    this.localChanges += 1
    this.localChangeTags.push(tags)
    if (this.localChangeTags.length > 100) this.localChangeTags.splice(0, this.localChangeTags.length - 100)
    this.dropTags(tags)
  }

  /** Drops the entries carrying any of `tags` (and those whose contents are unknown). */
  dropTags(tags: string[]) {
    this.counters.invalidations += 1
    this.counters.dropped += this.entries.dropTags([ANY_CHANGE_TAG, ...tags])
    // Readers arriving from now on must not join a fetch that began before the change.
    this.inflight.clear()
  }

  /** Drops everything: a change whose tags are not known. */
  invalidate() {
    this.counters.invalidations += 1
    this.counters.clears += 1
    this.entries.clear()
    this.inflight.clear()
  }

  /** True while hits may be served: the token was read recently enough. */
  isFresh(now = this.now()) {
    return this.revision !== undefined && now - this.confirmedAt <= this.config.maxStalenessMs
  }

  stats() {
    return { ...this.counters, fresh: this.isFresh(), ...this.entries.stats() }
  }

  // ---- HTTP ----

  /** Handles one request of the public server: from memory, through a fill, or by Next. */
  handle(req: IncomingMessage, res: ServerResponse, next: NextHandler) {
    // Every public request passes here (server.ts), cached or not: an origin CORS refuses is logged once.
    this.unlistedOrigins.note(req.headers.origin)
    const url = req.url ?? '/'
    const queryStart = url.indexOf('?')
    const pathname = queryStart === -1 ? url : url.slice(0, queryStart)
    const method = req.method ?? 'GET'
    const isRead = method === 'GET' || method === 'HEAD'
    // Feeds and the sitemap: public whoever asks (they read as an anonymous visitor), keyed by path.
    const sitePath = this.config.enabled && isRead ? classifySitePath(pathname) : undefined
    if (sitePath?.cacheable) return void this.serve(req, res, sitePath.key, { method: 'GET', url: pathname, headers: fillHeadersOf(req) })
    if (!this.config.enabled || !pathname.startsWith('/api/')) return this.passThrough(req, res, next, null)
    if (isAuthenticated(req.headers)) return this.passThrough(req, res, next, 'private')
    if (pathname === '/api/graphql') {
      if (isRead) {
        const classification = this.classify(`GET ${url}`, () => {
          const params = graphqlParamsFromSearch(new URLSearchParams(url.slice(queryStart + 1)))
          return params ? classifyGraphql(params) : { cacheable: false, reason: 'malformed variables' }
        })
        if (!classification.cacheable) return this.passThrough(req, res, next, 'bypass')
        return void this.serve(req, res, classification.key, { method: 'GET', url, headers: fillHeadersOf(req) })
      }
      if (method === 'POST' && /^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        return void this.readBodyThenServe(req, res)
      }
      return this.passThrough(req, res, next, 'bypass')
    }
    if (!isRead) return this.passThrough(req, res, next, 'bypass')
    const classification = this.classify(`GET ${url}`, () =>
      classifyRest(pathname, new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1))),
    )
    if (!classification.cacheable) return this.passThrough(req, res, next, 'bypass')
    return void this.serve(req, res, classification.key, { method: 'GET', url, headers: fillHeadersOf(req) })
  }

  private classify(memoKey: string, compute: () => Classification): Classification {
    if (memoKey.length > this.config.maxKeyBytes) return { cacheable: false, reason: 'request too large' }
    let classification = this.classifications.get(memoKey)
    if (!classification) {
      classification = compute()
      if (classification.cacheable && classification.key.length > this.config.maxKeyBytes) {
        classification = { cacheable: false, reason: 'key too large' }
      }
      this.classifications.set(memoKey, classification)
    }
    return classification
  }

  /**
   * To Next as it is. Requests during which this process changed public content clear the
   * cache again when they end: on MongoDB the change commits with the request, and a read
   * that ran between the hook and the commit may have stored the old content.
   */
  private passThrough(req: IncomingMessage, res: ServerResponse, next: NextHandler, mode: 'private' | 'bypass' | null) {
    if (mode) {
      this.counters.bypass += 1
      res.setHeader('X-Cache', 'BYPASS')
      // Payload's tags are for entries this cache keeps; a bypassed answer is none.
      dropHeader(res, CONTENT_TAGS_HEADER)
    }
    if (mode === 'private') forceHeader(res, 'Cache-Control', 'private, no-store')
    this.invalidateWhenDoneIfChanged(res)
    next(req, res)
  }

  private invalidateWhenDoneIfChanged(res: ServerResponse) {
    const changesBefore = this.localChanges
    res.once('close', () => {
      const made = this.localChanges - changesBefore
      if (made === 0) return
      if (made > this.localChangeTags.length) return this.invalidate()
      this.dropTags(this.localChangeTags.slice(-made).flat())
    })
  }

  private readBodyThenServe(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = []
    let length = 0
    const onData = (chunk: Buffer) => {
      chunks.push(chunk)
      length += chunk.length
      if (length > this.config.maxRequestBodyBytes) {
        // Too large to key: hand it to Payload as it streams in.
        req.off('data', onData)
        req.off('end', onEnd)
        this.counters.bypass += 1
        this.proxy(req, res, chunks, true)
      }
    }
    const onEnd = () => {
      const body = Buffer.concat(chunks)
      const text = body.toString('utf8')
      const classification = this.classify(`POST ${text}`, () => {
        let params: unknown
        try {
          params = JSON.parse(text)
        } catch {
          return { cacheable: false, reason: 'body is not JSON' }
        }
        if (!params || typeof params !== 'object' || Array.isArray(params)) return { cacheable: false, reason: 'not one operation' }
        return classifyGraphql(params as Record<string, unknown>)
      })
      if (!classification.cacheable) {
        this.counters.bypass += 1
        return this.proxy(req, res, [body], false)
      }
      void this.serve(req, res, classification.key, {
        method: 'POST',
        url: req.url ?? '/api/graphql',
        headers: { ...fillHeadersOf(req), 'content-length': String(body.length) },
        body,
      })
    }
    req.on('data', onData)
    req.once('end', onEnd)
    req.once('error', () => res.destroy())
  }

  /** Sends a request whose body was already read (part or all) on to Next, and its answer back. */
  private proxy(req: IncomingMessage, res: ServerResponse, chunks: Buffer[], streamRest: boolean) {
    this.invalidateWhenDoneIfChanged(res)
    forwardUpstream(this.options.transport, req, res, chunks, streamRest)
  }

  private async serve(req: IncomingMessage, res: ServerResponse, key: string, fill: UpstreamRequest) {
    if (this.isFresh()) {
      const entry = this.entries.get(key)
      if (entry) {
        this.counters.hit += 1
        return this.respond(req, res, entry, 'HIT')
      }
    }
    this.counters.miss += 1
    // Joining a fetch gives its answer, as old as the fetch: only a recent one will do.
    const running = this.inflight.get(key)
    const joinable = running && this.now() - running.startedAt <= this.config.maxStalenessMs
    let captured: CapturedResponse
    try {
      captured = await (joinable ? running.response : this.fill(key, fill))
    } catch {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json', 'x-cache': 'MISS' })
        res.end(JSON.stringify({ errors: [{ message: 'The API did not answer; try again.' }] }))
      }
      return
    }
    this.respond(req, res, captured, 'MISS')
  }

  private fill(key: string, request: UpstreamRequest): Promise<CapturedResponse> {
    const since = this.entries.mark()
    const startedAt = this.now()
    const pending = fetchUpstream(this.options.transport, request, this.config.upstreamTimeoutMs).then(
      (upstream) => {
        if (this.inflight.get(key)?.response === pending) this.inflight.delete(key)
        const captured = captureResponse(key, upstream, this.cacheControl)
        // Stored only if nothing it contains changed while it was fetched: otherwise it may be the old content.
        const storable = captured.isPublic && this.revision !== undefined && captured.size <= this.config.maxEntryBytes
        if (storable && this.entries.setUnlessDroppedSince(key, captured, since)) this.counters.stored += 1
        return captured
      },
      (error: unknown) => {
        if (this.inflight.get(key)?.response === pending) this.inflight.delete(key)
        throw error
      },
    )
    this.inflight.set(key, { startedAt, response: pending })
    return pending
  }

  private respond(req: IncomingMessage, res: ServerResponse, captured: CapturedResponse, xCache: 'HIT' | 'MISS') {
    respondWith(req, res, captured, xCache, this.allowedOrigins)
  }
}
