import { createHash } from 'node:crypto'
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'

import { ANY_CHANGE_TAG, CLOUDFLARE_TAGS_HEADER, CONTENT_TAGS_HEADER, parseContentTags, SURROGATE_KEY_HEADER } from './contentTags'
import { SITE_KEY_PREFIX } from './rules'
import type { UpstreamResponse } from './upstream'

const SITE_CONTENT_TYPE = /^application\/(?:rss\+xml|atom\+xml|feed\+json|xml)\b/i

/**
 * What the response cache keeps of an answer and how it serves it: which headers a fill
 * drops, when an answer counts as public, its ETag, CORS per Origin, and 304s.
 */

/** A response as the cache keeps and serves it. */
export type CapturedResponse = {
  status: number
  headers: OutgoingHttpHeaders
  body: Buffer
  /** Anonymous public content: gets an ETag and a shared-cache Cache-Control. */
  isPublic: boolean
  etag?: string
  /** What it contains (src/cache/contentTags.ts): a change to any of these drops it. */
  tags: readonly string[]
  size: number
}

export type XCache = 'HIT' | 'MISS' | 'BYPASS'

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
  // Payload's tags for the cache, sent on as Cache-Tag and Surrogate-Key.
  CONTENT_TAGS_HEADER,
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

/** The reader's headers a fill may carry. */
export const fillHeadersOf = (req: IncomingMessage): OutgoingHttpHeaders => {
  const headers: OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !DROPPED_FILL_HEADERS.has(name)) headers[name] = value
  }
  return headers
}

/** The parts of the If-None-Match header, weak or strong, compared strongly (RFC 9110 13.1.2 allows weak comparison; ours are all strong). */
const matchesIfNoneMatch = (header: string | undefined, etag: string) => {
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag)
}

/** The upstream answer for `key` as the cache would keep it (public or not). */
export const captureResponse = (key: string, upstream: UpstreamResponse, cacheControl: string): CapturedResponse => {
  const headers: OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) headers[name] = value
  }
  const contentType = String(upstream.headers['content-type'] ?? '')
  // JSON for the API; the feeds' and sitemap's own types for their paths (src/cache/rules.ts classifySitePath).
  const isKeptType = key.startsWith(SITE_KEY_PREFIX) ? SITE_CONTENT_TYPE.test(contentType) : /^application\/json\b/i.test(contentType)
  let isPublic = upstream.status === 200 && isKeptType && !upstream.headers['set-cookie']
  // GraphQL reports failures with 200 and `errors`: never keep those.
  if (isPublic && key.startsWith('graphql ')) {
    try {
      isPublic = !(JSON.parse(upstream.body.toString('utf8')) as { errors?: unknown }).errors
    } catch {
      isPublic = false
    }
  }
  let etag: string | undefined
  // An answer that came without tags may contain anything: every change drops it.
  const tags = parseContentTags(upstream.headers[CONTENT_TAGS_HEADER])
  if (tags.length === 0) tags.push(ANY_CHANGE_TAG)
  if (isPublic) {
    etag = `"${createHash('sha256').update(upstream.body).digest('base64url').slice(0, 32)}"`
    headers['etag'] = etag
    headers['cache-control'] = cacheControl
    // Cached responses answer everyone: CORS is recomputed per Origin, and a shared cache
    // must not hand an anonymous copy to a request with credentials.
    headers['vary'] = 'Origin, Authorization, Cookie'
    // For a CDN in front to purge by (README "Caching"): Cloudflare's comma-separated list, Fastly's and Varnish xkey's space-separated one.
    headers[CLOUDFLARE_TAGS_HEADER] = tags.join(',')
    headers[SURROGATE_KEY_HEADER] = tags.join(' ')
  }
  headers['content-length'] = String(upstream.body.length)
  const size = upstream.body.length + 512 + tags.reduce((sum, tag) => sum + tag.length * 2 + 16, 0)
  return { status: upstream.status, headers, body: upstream.body, isPublic, etag, tags, size }
}

/** CORS for an answer given in front of Next (a cache hit, a search): the request's Origin back when it is allowed, as Payload's `cors` does. */
export const addCorsHeaders = (headers: OutgoingHttpHeaders, req: IncomingMessage, allowedOrigins: ReadonlySet<string>) => {
  const origin = req.headers.origin
  if (origin && allowedOrigins.has(origin)) {
    headers['access-control-allow-origin'] = origin
    headers['access-control-allow-credentials'] = 'true'
  }
}

/** Answers `req` with a kept response: CORS for allowed origins, 304 when the ETag matches. */
export const respondWith = (req: IncomingMessage, res: ServerResponse, captured: CapturedResponse, xCache: XCache, allowedOrigins: ReadonlySet<string>) => {
  const headers: OutgoingHttpHeaders = { ...captured.headers, 'x-cache': xCache }
  addCorsHeaders(headers, req, allowedOrigins)
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

/** Runs `edit` on the response just before its headers go out, with the header names given to writeHead removed. */
const beforeHeadersGoOut = (res: ServerResponse, name: string, edit: (res: ServerResponse) => void) => {
  const writeHead = res.writeHead
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    for (const arg of args) {
      if (arg && typeof arg === 'object' && !Array.isArray(arg)) {
        for (const key of Object.keys(arg)) if (key.toLowerCase() === name.toLowerCase()) delete (arg as Record<string, unknown>)[key]
      }
    }
    edit(this)
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args)
  } as typeof res.writeHead
}

/** Removes `name` from whatever the handler sends, however it sets it. */
export const dropHeader = (res: ServerResponse, name: string) => beforeHeadersGoOut(res, name, (response) => response.removeHeader(name))

/** Makes `name: value` win over whatever the handler sets, up to the moment headers go out. */
export const forceHeader = (res: ServerResponse, name: string, value: string) =>
  beforeHeadersGoOut(res, name, (response) => response.setHeader(name, value))
