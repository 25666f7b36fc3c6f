import { createHash } from 'node:crypto'
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http'

import { LRUCache } from 'lru-cache'

import type { ContentCacheBridge } from './bridge'
import type { ContentCacheConfig } from './config'
import { classifyGraphql, classifyRest, graphqlParamsFromSearch, isAuthenticated, type Classification } from './rules'
import { SegmentedLru } from './segmentedLru'

/** A request the cache sends to Payload itself (through Next, never through the cache). */
export type UpstreamRequest = { method: 'GET' | 'POST'; url: string; headers: OutgoingHttpHeaders; body?: Buffer }
export type UpstreamResponse = { status: number; headers: IncomingHttpHeaders; body: Buffer }

/** Opens a request to Next's own handler (a listener the public cannot reach). */
export type Transport = (
  request: { method: string; url: string; headers: OutgoingHttpHeaders },
  onResponse: (response: IncomingMessage) => void,
) => http.ClientRequest

/** A transport to an HTTP listener on a unix socket or a loopback port. */
export const httpTransport =
  (target: { socketPath: string } | { port: number }): Transport =>
  (request, onResponse) =>
    http.request(
      { ...target, ...('port' in target ? { host: '127.0.0.1' } : {}), method: request.method, path: request.url, headers: request.headers, agent: fillAgent },
      onResponse,
    )

// Keep-alive to the internal listener: a fill should not pay for a new connection.
const fillAgent = new http.Agent({ keepAlive: true, maxSockets: 64 })

const UPSTREAM_TIMEOUT_MS = 60_000

/** A response as the cache keeps and serves it. */
type CapturedResponse = {
  status: number
  headers: OutgoingHttpHeaders
  body: Buffer
  /** Anonymous public content: gets an ETag and a shared-cache Cache-Control. */
  isPublic: boolean
  etag?: string
  size: number
}

export type XCache = 'HIT' | 'MISS' | 'BYPASS'

type NextHandler = (req: IncomingMessage, res: ServerResponse) => unknown

// Hop-by-hop headers, and those the cache recomputes per request.
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'date',
  'content-length',
  'etag',
  'access-control-allow-origin',
  'access-control-allow-credentials',
])

// What a fill must not carry from the reader who happened to trigger it: the key does not
// include these, so the response must not depend on them.
const DROPPED_FILL_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'origin',
  'cookie',
  'accept-encoding',
  'accept-language',
  'if-none-match',
  'if-modified-since',
  'range',
])

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection'])

/** The parts of the If-None-Match header, weak or strong, compared strongly (RFC 9110 13.1.2 allows weak comparison; ours are all strong). */
const matchesIfNoneMatch = (header: string | undefined, etag: string) => {
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag)
}

/**
 * The anonymous read cache in front of Next (see README "Caching"). It answers cache hits
 * from memory; misses go to Payload (through Next, over the `upstream` function), with
 * concurrent misses for one key sharing one upstream request. It is the bridge the content
 * revision watcher and hooks report to (src/cache/bridge.ts).
 *
 * Freshness: every change to public content writes a new content-revision token (in the
 * same transaction as the change) and, in this process, calls `contentChanged` at once.
 * The token is read every `pollIntervalMs`; a new token clears everything. A hit is only
 * served while the last completed read of the token began at most `maxStalenessMs` ago,
 * and a response is only stored if no invalidation happened while it was fetched.
 */
export class ContentCache implements ContentCacheBridge {
  readonly pollIntervalMs: number
  watching?: boolean
  stopWatching?: () => void

  private generation = 0
  private revision: string | null | undefined = undefined
  private confirmedAt = Number.NEGATIVE_INFINITY
  private localChanges = 0
  private lastLocalChangeAt = Number.NEGATIVE_INFINITY
  private readonly store: SegmentedLru<CapturedResponse>
  private readonly inflight = new Map<string, { startedAt: number; response: Promise<CapturedResponse> }>()
  // Parsing and printing a GraphQL query costs more than serving its hit: remember recent answers.
  private readonly classifications = new LRUCache<string, Classification>({
    max: 5000,
    maxSize: 4 * 1024 * 1024,
    sizeCalculation: (classification, memoKey) => memoKey.length + (classification.cacheable ? classification.key.length : 64),
  })
  private readonly cacheControl: string
  private readonly allowedOrigins: Set<string>

  readonly counters = { hit: 0, miss: 0, bypass: 0, stored: 0, invalidations: 0 }

  constructor(
    private readonly config: ContentCacheConfig,
    private readonly options: { transport: Transport; allowedOrigins: string[]; now?: () => number },
  ) {
    this.pollIntervalMs = config.pollIntervalMs
    this.store = new SegmentedLru({ maxBytes: config.maxBytes })
    this.cacheControl =
      `public, max-age=0, s-maxage=${config.sMaxAgeSeconds}, ` + `stale-while-revalidate=${config.staleWhileRevalidateSeconds}`
    this.allowedOrigins = new Set(options.allowedOrigins)
  }

  private now() {
    return this.options.now ? this.options.now() : Date.now()
  }

  // ---- the bridge ----

  revisionRead(revision: string | null, startedAt: number) {
    // A read that began before this process's last change saw only what was committed
    // before it, and that change's clear covers all of it: its token is old news.
    const predatesLocalChange = startedAt < this.lastLocalChangeAt
    if (revision !== this.revision && !predatesLocalChange) {
      this.revision = revision
      this.invalidate()
    }
    if (startedAt > this.confirmedAt) this.confirmedAt = startedAt
  }

  contentChanged(revision?: string) {
    // Safe to adopt: the store is cleared right here, after every earlier change committed,
    // so nothing kept from now on predates a token this skips.
    if (revision !== undefined && this.revision !== undefined) this.revision = revision
    this.lastLocalChangeAt = this.now()
    this.localChanges += 1
    this.invalidate()
  }

  invalidate() {
    this.generation += 1
    this.counters.invalidations += 1
    this.store.clear()
    // Readers arriving from now on must not join a fetch that began before the change.
    this.inflight.clear()
  }

  /** True while hits may be served: the token was read recently enough. */
  isFresh(now = this.now()) {
    return this.revision !== undefined && now - this.confirmedAt <= this.config.maxStalenessMs
  }

  stats() {
    return { ...this.counters, generation: this.generation, fresh: this.isFresh(), ...this.store.stats() }
  }

  // ---- HTTP ----

  /** Handles one request of the public server: from memory, through a fill, or by Next. */
  handle(req: IncomingMessage, res: ServerResponse, next: NextHandler) {
    const url = req.url ?? '/'
    const queryStart = url.indexOf('?')
    const pathname = queryStart === -1 ? url : url.slice(0, queryStart)
    if (!this.config.enabled || !pathname.startsWith('/api/')) return this.passThrough(req, res, next, null)
    const method = req.method ?? 'GET'
    if (isAuthenticated(req.headers)) return this.passThrough(req, res, next, 'private')
    const isRead = method === 'GET' || method === 'HEAD'
    if (pathname === '/api/graphql') {
      if (isRead) {
        const classification = this.classify(`GET ${url}`, () => {
          const params = graphqlParamsFromSearch(new URLSearchParams(url.slice(queryStart + 1)))
          return params ? classifyGraphql(params) : { cacheable: false, reason: 'malformed variables' }
        })
        if (!classification.cacheable) return this.passThrough(req, res, next, 'bypass')
        return void this.serve(req, res, classification.key, { method: 'GET', url, headers: this.fillHeaders(req) })
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
    return void this.serve(req, res, classification.key, { method: 'GET', url, headers: this.fillHeaders(req) })
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
    }
    if (mode === 'private') forceHeader(res, 'Cache-Control', 'private, no-store')
    this.invalidateWhenDoneIfChanged(res)
    next(req, res)
  }

  private invalidateWhenDoneIfChanged(res: ServerResponse) {
    const changesBefore = this.localChanges
    res.once('close', () => {
      if (this.localChanges !== changesBefore) this.invalidate()
    })
  }

  private fillHeaders(req: IncomingMessage): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !DROPPED_FILL_HEADERS.has(name)) headers[name] = value
    }
    return headers
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
        headers: { ...this.fillHeaders(req), 'content-length': String(body.length) },
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
    const headers: OutgoingHttpHeaders = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value
    }
    if (!streamRest) {
      headers['content-length'] = String(chunks.reduce((sum, chunk) => sum + chunk.length, 0))
      delete headers['transfer-encoding']
    }
    const forward = this.options.transport({ method: req.method ?? 'POST', url: req.url ?? '/', headers }, (upstream) => {
      const responseHeaders: OutgoingHttpHeaders = {}
      for (const [name, value] of Object.entries(upstream.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) responseHeaders[name] = value
      }
      responseHeaders['x-cache'] = 'BYPASS'
      res.writeHead(upstream.statusCode ?? 502, responseHeaders)
      upstream.pipe(res)
    })
    forward.once('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ errors: [{ message: 'The API did not answer.' }] }))
    })
    for (const chunk of chunks) forward.write(chunk)
    if (streamRest) req.pipe(forward)
    else forward.end()
  }

  /** One request to Next, its whole answer buffered. */
  private upstream(request: UpstreamRequest) {
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const outgoing = this.options.transport(request, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.once('error', reject)
        response.once('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }))
      })
      outgoing.once('error', reject)
      outgoing.setTimeout(UPSTREAM_TIMEOUT_MS, () => outgoing.destroy(new Error('upstream timeout')))
      outgoing.end(request.body)
    })
  }

  private async serve(req: IncomingMessage, res: ServerResponse, key: string, fill: UpstreamRequest) {
    if (this.isFresh()) {
      const entry = this.store.get(key)
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
    const generation = this.generation
    const startedAt = this.now()
    const pending = this.upstream(request).then(
      (upstream) => {
        if (this.inflight.get(key)?.response === pending) this.inflight.delete(key)
        const captured = this.capture(key, upstream)
        // Stored only if nothing changed while it was fetched: otherwise it may be the old content.
        const storable =
          captured.isPublic &&
          generation === this.generation &&
          this.revision !== undefined &&
          captured.size <= this.config.maxEntryBytes
        if (storable) {
          this.store.set(key, captured)
          this.counters.stored += 1
        }
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

  private capture(key: string, upstream: UpstreamResponse): CapturedResponse {
    const headers: OutgoingHttpHeaders = {}
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) headers[name] = value
    }
    const isJson = /^application\/json\b/i.test(String(upstream.headers['content-type'] ?? ''))
    let isPublic = upstream.status === 200 && isJson && !upstream.headers['set-cookie']
    // GraphQL reports failures with 200 and `errors`: never keep those.
    if (isPublic && key.startsWith('graphql ')) {
      try {
        isPublic = !(JSON.parse(upstream.body.toString('utf8')) as { errors?: unknown }).errors
      } catch {
        isPublic = false
      }
    }
    let etag: string | undefined
    if (isPublic) {
      etag = `"${createHash('sha256').update(upstream.body).digest('base64url').slice(0, 32)}"`
      headers['etag'] = etag
      headers['cache-control'] = this.cacheControl
      // Cached responses answer everyone: CORS is recomputed per Origin, and a shared cache
      // must not hand an anonymous copy to a request with credentials.
      headers['vary'] = 'Origin, Authorization, Cookie'
    }
    headers['content-length'] = String(upstream.body.length)
    return { status: upstream.status, headers, body: upstream.body, isPublic, etag, size: upstream.body.length + 512 }
  }

  private respond(req: IncomingMessage, res: ServerResponse, captured: CapturedResponse, xCache: XCache) {
    const headers: OutgoingHttpHeaders = { ...captured.headers, 'x-cache': xCache }
    const origin = req.headers.origin
    if (origin && this.allowedOrigins.has(origin)) {
      headers['access-control-allow-origin'] = origin
      headers['access-control-allow-credentials'] = 'true'
    }
    if (captured.etag && matchesIfNoneMatch(req.headers['if-none-match'], captured.etag)) {
      delete headers['content-length']
      delete headers['content-type']
      res.writeHead(304, headers)
      res.end()
      return
    }
    res.writeHead(captured.status, headers)
    res.end(req.method === 'HEAD' ? undefined : captured.body)
  }
}

/** Makes `name: value` win over whatever the handler sets, up to the moment headers go out. */
const forceHeader = (res: ServerResponse, name: string, value: string) => {
  const writeHead = res.writeHead
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    for (const arg of args) {
      if (arg && typeof arg === 'object' && !Array.isArray(arg)) {
        for (const key of Object.keys(arg)) if (key.toLowerCase() === name.toLowerCase()) delete (arg as Record<string, unknown>)[key]
      }
    }
    this.setHeader(name, value)
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args)
  } as typeof res.writeHead
}
