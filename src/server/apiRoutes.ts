import fs from 'node:fs'
import { createRequire } from 'node:module'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { Duplex, Readable } from 'node:stream'

import { registeredApiRoute, type RouteHandler } from './apiRouteRegistry'

/**
 * API reads answered by Payload's own route handlers (the functions Next's route files export,
 * src/server/apiRouteRegistry.ts) called by the production server, without Next's router in
 * between: on an uncached read Next's routing, request adapters and response piping cost about
 * 40 % of the server's CPU for the whole answer (bench/content-api/server-cpu.ts). The same handler, the same request (URL, method, headers as Next
 * builds them) and the same response as Next sends it: its status, headers and bytes, the headers
 * Next adds (next.config's, from the build's routes manifest, and its Vary for app routes), and
 * Next's own gzip middleware for clients that accept it. Two things differ: an answer under 1 KB
 * is not gzipped (Next streams every answer, so the middleware's 1 KB threshold never applies
 * there), and a `HEAD` of a REST read answers what the `GET` would, without the body (through
 * Next, Payload sees the method HEAD, has no such endpoint and answers 404; the cache already
 * answers anonymous HEADs this way).
 *
 * Only what Next would route to those handlers without a second thought: `GET`/`POST
 * /api/graphql`, and `GET`/`HEAD /api/<segments>` whose segments are plain (letters, digits, `-_.~`, not
 * starting with a dot: no percent-decoding, no `..`, no trailing or doubled slash, which Next
 * normalizes or redirects) and that no rewrite or redirect of the build matches. Everything else
 * (writes, OPTIONS, the playground, Payload's OG image route, anything unusual) goes to
 * Next as before, as does every request until Next has loaded the route file once, and every
 * request when the build has header rules this cannot apply the way Next does (conditions,
 * parameters). tests/e2e/api-in-front-of-next.e2e.spec.ts compares both paths answer by answer.
 */

const PLAIN_API_PATH = /^\/api(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$/
/** Next's own routes under /api that are not Payload's REST handler, and the OG endpoint (Next's image renderer). */
const NOT_REST = new Set(['/api/graphql-playground', '/api/og'])

/** The handler Next would run for this request, when it is one this server may call directly. */
const handlerFor = (method: string, pathname: string): { handler: RouteHandler; slug?: string[] } | undefined => {
  if (pathname === '/api/graphql') {
    const route = registeredApiRoute('graphql')
    const handler = method === 'GET' ? route?.GET : method === 'POST' ? route?.POST : undefined
    return handler && { handler }
  }
  if ((method !== 'GET' && method !== 'HEAD') || NOT_REST.has(pathname) || !PLAIN_API_PATH.test(pathname)) return undefined
  const handler = registeredApiRoute('rest')?.GET
  return handler && { handler, slug: pathname.slice('/api/'.length).split('/') }
}

/** Where Next's server listens, for the request URL it gives handlers (next-server attachRequestMeta). */
export type NextOrigin = { hostname: string; port: number }

type ManifestRoute = { regex: string; headers?: Array<{ key: string; value: string }>; has?: unknown; missing?: unknown }
type RoutesManifest = {
  basePath?: string
  headers?: ManifestRoute[]
  redirects?: ManifestRoute[]
  rewrites?: ManifestRoute[] | { beforeFiles?: ManifestRoute[]; afterFiles?: ManifestRoute[]; fallback?: ManifestRoute[] }
}

/** What Next's router would do to an API path besides calling its handler, read from the build. */
export type NextRouting = {
  origin: NextOrigin
  /** The next.config headers Next sets on this path, or undefined when a rewrite or redirect matches it. */
  headersFor: (pathname: string) => Array<[string, string]> | undefined
}

/**
 * Reads `.next/routes-manifest.json` (next.config's headers, redirects and rewrites as the build
 * compiled them). Undefined, with the reason, when a rule needs what only Next's router evaluates
 * (a `has`/`missing` condition, a parameter in a header, a basePath): then Next answers everything.
 */
export const nextRoutingFromBuild = (dir: string, origin: NextOrigin): { routing?: NextRouting; reason?: string } => {
  let manifest: RoutesManifest
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, '.next', 'routes-manifest.json'), 'utf8')) as RoutesManifest
  } catch (error) {
    return { reason: `cannot read the build's routes manifest (${(error as Error).message})` }
  }
  if (manifest.basePath) return { reason: 'next.config sets a basePath' }
  const rewrites = Array.isArray(manifest.rewrites)
    ? manifest.rewrites
    : [...(manifest.rewrites?.beforeFiles ?? []), ...(manifest.rewrites?.afterFiles ?? []), ...(manifest.rewrites?.fallback ?? [])]
  const elsewhere = [...(manifest.redirects ?? []), ...rewrites].map((route) => new RegExp(route.regex, 'i'))
  const headerRules: Array<{ regex: RegExp; headers: Array<[string, string]> }> = []
  for (const rule of manifest.headers ?? []) {
    if (rule.has || rule.missing) return { reason: 'a next.config header rule has a condition' }
    const headers = (rule.headers ?? []).map(({ key, value }) => [key, value] as [string, string])
    if (headers.some(([key, value]) => key.includes(':') || value.includes(':'))) return { reason: 'a next.config header has a parameter' }
    headerRules.push({ regex: new RegExp(rule.regex, 'i'), headers })
  }
  return {
    routing: {
      origin,
      headersFor: (pathname) => {
        if (elsewhere.some((regex) => regex.test(pathname))) return undefined
        // A later rule's value for the same header wins, as in Next's resolveRoutes.
        const headers = new Map<string, [string, string]>()
        for (const rule of headerRules) if (rule.regex.test(pathname)) for (const header of rule.headers) headers.set(header[0].toLowerCase(), header)
        return [...headers.values()]
      },
    },
  }
}

const formatHostname = (hostname: string) => (hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname)

/**
 * The Request Next builds for a route handler (NextRequestAdapter.fromNodeNextRequest after
 * base-server's x-forwarded-* defaults): absolute URL on Next's hostname and port, the headers as
 * the Node request holds them (including those this server stamped), the body as a stream.
 */
const requestLikeNext = (req: IncomingMessage, method: string, { hostname, port }: NextOrigin, signal: AbortSignal): Request => {
  const forwardedProto = req.headers['x-forwarded-proto']
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const item of value) headers.append(name, item)
    else headers.append(name, value)
  }
  if (!headers.has('x-forwarded-host')) headers.set('x-forwarded-host', req.headers.host ?? hostname)
  if (!headers.has('x-forwarded-port')) headers.set('x-forwarded-port', String(port))
  if (!headers.has('x-forwarded-proto')) headers.set('x-forwarded-proto', 'http')
  if (!headers.has('x-forwarded-for') && req.socket.remoteAddress) headers.set('x-forwarded-for', req.socket.remoteAddress)
  const protocol = typeof forwardedProto === 'string' && forwardedProto.includes('https') ? 'https' : 'http'
  const url = `${protocol}://${formatHostname(hostname)}:${port}${req.url ?? '/'}`
  const body = method === 'GET' || method === 'HEAD' ? null : (Readable.toWeb(req) as ReadableStream<Uint8Array>)
  return new Request(url, { method, headers, body, signal, duplex: 'half' } as RequestInit)
}

/** The Vary Next's base-server appends on every app route's answer (setVaryHeader). */
const APP_ROUTE_VARY = 'rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch'

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void
/** Next's compiled copy of the `compression` middleware, one instance as in its router-server (next.config `compress`, on by default). */
const compress = (createRequire(import.meta.url)('next/dist/compiled/compression') as () => Middleware)()

/** On a client that goes away, the middleware never ends its zlib stream: Next's releaseCompressionStream. */
const releaseCompressionStream = (res: ServerResponse) => {
  const noop = () => {}
  const stream = res.on('drain', noop)
  if (stream === res || !((stream as unknown) instanceof Duplex)) return void res.off('drain', noop)
  ;(stream as unknown as Duplex).destroy()
}

/** Headers a handler may repeat; any other header already on the response (this server's) is kept (next/dist/server/send-response.js). */
const REPEATABLE = new Set(['set-cookie', 'www-authenticate', 'proxy-authenticate', 'vary'])
/** Framing headers Next does not copy: Node frames the body itself. */
const FRAMING = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'x-middleware-set-cookie'])

/** Resolves when the client takes more (`drain`) or is gone (`close`: a client that left never drains). */
const drainedOrClosed = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.once('drain', done)
    res.once('close', done)
  })

/** Sends a handler's Response the way Next's sendResponse does; a one-chunk body (a JSON answer) in one write. */
const sendLikeNext = async (req: IncomingMessage, res: ServerResponse, response: Response) => {
  res.statusCode = response.status
  res.statusMessage = response.statusText
  response.headers.forEach((value, name) => {
    if (FRAMING.has(name) || name === 'set-cookie') return
    if (REPEATABLE.has(name) || res.getHeader(name) === undefined) res.appendHeader(name, value)
  })
  for (const cookie of response.headers.getSetCookie()) res.appendHeader('set-cookie', cookie)
  if (!response.body || req.method === 'HEAD') {
    void response.body?.cancel().catch(() => {})
    return void res.end()
  }
  const reader = response.body.getReader()
  res.once('close', () => void reader.cancel().catch(() => {}))
  const first = await reader.read()
  if (first.done) return void res.end()
  const second = await reader.read()
  if (second.done) return void res.end(first.value)
  res.write(first.value)
  let chunk: ReadableStreamReadResult<Uint8Array> = second
  while (!chunk.done) {
    if (!res.write(chunk.value)) await drainedOrClosed(res)
    if (res.destroyed) return
    chunk = await reader.read()
  }
  res.end()
}

/** Requests this process answered here rather than through Next (clinic_api_direct_total in /api/metrics). */
export const apiRouteCounters = { direct: 0 }

/**
 * Answers `req` with Payload's route handler when it is one of those above and Next has loaded it;
 * returns false otherwise (the caller hands the request to Next). A handler that throws is answered
 * as Next answers it: logged, and an empty 500.
 */
export const answerApiInProcess = (req: IncomingMessage, res: ServerResponse, routing: NextRouting): boolean => {
  const method = req.method ?? 'GET'
  const url = req.url ?? '/'
  const queryStart = url.indexOf('?')
  const pathname = queryStart === -1 ? url : url.slice(0, queryStart)
  const target = handlerFor(method, pathname)
  if (!target) return false
  const configHeaders = routing.headersFor(pathname)
  if (!configHeaders) return false
  apiRouteCounters.direct += 1
  // In Next's order: compression wraps the response, then the config's headers, then the app route's Vary.
  compress(req, res, () => {})
  for (const [name, value] of configHeaders) res.setHeader(name, value)
  res.appendHeader('vary', APP_ROUTE_VARY)
  // A client that leaves before the end: the handler's request is aborted and the zlib stream released.
  const aborted = new AbortController()
  res.once('close', () => {
    if (res.writableFinished) return
    releaseCompressionStream(res)
    aborted.abort()
  })
  // A HEAD is the GET without its body (sendLikeNext leaves the body out).
  const request = requestLikeNext(req, method === 'HEAD' ? 'GET' : method, routing.origin, aborted.signal)
  const context = { params: Promise.resolve({ slug: target.slug ?? [] }) }
  void target.handler(request, context)
    .then((response) => sendLikeNext(req, res, response))
    .catch((error: unknown) => {
      if (aborted.signal.aborted) return
      console.error(error)
      if (res.headersSent) return void res.destroy()
      res.statusCode = 500
      res.end()
    })
  return true
}
