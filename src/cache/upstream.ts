import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http'

import { CONTENT_TAGS_HEADER } from './contentTags'

/**
 * How the response cache talks to Payload behind it (Next's own handler on a listener the
 * public cannot reach): buffered fills, and requests forwarded as they are.
 */

/** A request the cache sends to Payload itself (through Next, never through the cache). */
export type UpstreamRequest = { method: 'GET' | 'POST'; url: string; headers: OutgoingHttpHeaders; body?: Buffer }
export type UpstreamResponse = { status: number; headers: IncomingHttpHeaders; body: Buffer }

/** Opens a request to Next's own handler (a listener the public cannot reach). */
export type Transport = (
  request: { method: string; url: string; headers: OutgoingHttpHeaders },
  onResponse: (response: IncomingMessage) => void,
) => http.ClientRequest

// Keep-alive to the internal listener: a fill should not pay for a new connection.
const fillAgent = new http.Agent({ keepAlive: true, maxSockets: 64 })

/** A transport to an HTTP listener on a unix socket or a loopback port. */
export const httpTransport =
  (target: { socketPath: string } | { port: number }): Transport =>
  (request, onResponse) =>
    http.request(
      { ...target, ...('port' in target ? { host: '127.0.0.1' } : {}), method: request.method, path: request.url, headers: request.headers, agent: fillAgent },
      onResponse,
    )

export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection'])

/** One request to Next, its whole answer buffered; fails after `timeoutMs` without an answer. */
export const fetchUpstream = (transport: Transport, request: UpstreamRequest, timeoutMs: number) =>
  new Promise<UpstreamResponse>((resolve, reject) => {
    const outgoing = transport(request, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.once('error', reject)
      response.once('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }))
    })
    outgoing.once('error', reject)
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error('upstream timeout')))
    outgoing.end(request.body)
  })

/**
 * Sends a request whose body was already read (part or all: `chunks`) on to Next, and its
 * answer back, marked `X-Cache: BYPASS`. With `streamRest`, the rest of the body streams on.
 */
export const forwardUpstream = (transport: Transport, req: IncomingMessage, res: ServerResponse, chunks: Buffer[], streamRest: boolean) => {
  const headers: OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value
  }
  if (!streamRest) {
    headers['content-length'] = String(chunks.reduce((sum, chunk) => sum + chunk.length, 0))
    delete headers['transfer-encoding']
  }
  const forward = transport({ method: req.method ?? 'POST', url: req.url ?? '/', headers }, (upstream) => {
    const responseHeaders: OutgoingHttpHeaders = {}
    for (const [name, value] of Object.entries(upstream.headers)) {
      // Payload's tags are for entries the cache keeps; a forwarded answer is none.
      if (value !== undefined && !HOP_BY_HOP.has(name) && name !== CONTENT_TAGS_HEADER) responseHeaders[name] = value
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
