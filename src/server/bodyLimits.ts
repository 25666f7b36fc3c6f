import type { IncomingMessage, ServerResponse } from 'node:http'

import { numberFromEnv } from '../../jobs/shared/env'

const KB = 1024
const MB = 1024 * KB

/** Largest request body per route, in bytes (SECURITY-server.md lists them and their variables). */
export type BodyLimits = {
  subscribe: number
  graphql: number
  newsletterPreview: number
  subscriberImport: number
  mediaUpload: number
  emailForms: number
  emailEvents: number
  default: number
}

export const bodyLimitsFromEnv = (): BodyLimits => ({
  subscribe: numberFromEnv('BODY_LIMIT_SUBSCRIBE', 8 * KB),
  graphql: numberFromEnv('BODY_LIMIT_GRAPHQL', 256 * KB),
  // The endpoints check these too (README: preview 413 over 2 MB, import 413 over 5 MB);
  // here they are enforced before a byte is buffered.
  newsletterPreview: numberFromEnv('BODY_LIMIT_NEWSLETTER_PREVIEW', 2 * MB),
  subscriberImport: numberFromEnv('BODY_LIMIT_SUBSCRIBER_IMPORT', 5 * MB),
  mediaUpload: numberFromEnv('BODY_LIMIT_MEDIA_UPLOAD', 25 * MB),
  emailForms: numberFromEnv('BODY_LIMIT_EMAIL_FORMS', 16 * KB),
  // Provider batches: SendGrid's are at most 768 KB.
  emailEvents: numberFromEnv('BODY_LIMIT_EMAIL_EVENTS', 1 * MB),
  default: numberFromEnv('BODY_LIMIT_DEFAULT', 2 * MB),
})

/**
 * The path as Next will route it: percent-decoded, without repeated or trailing slashes, so
 * `/api//subscribe/` or `/api/%73ubscribe` cannot step around their limit.
 */
const routePath = (url: string) => {
  const pathname = url.split('?', 1)[0]
  let decoded = pathname
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    // malformed escapes: Next refuses those; the default limit applies meanwhile
  }
  return decoded.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1')
}

export const bodyLimitFor = (url: string, limits: BodyLimits): { limit: number; what: string } => {
  const path = routePath(url)
  if (path === '/api/subscribe') return { limit: limits.subscribe, what: 'A signup' }
  if (path === '/api/graphql') return { limit: limits.graphql, what: 'A GraphQL request' }
  if (path === '/api/newsletters/preview') return { limit: limits.newsletterPreview, what: 'The newsletter' }
  if (path === '/api/subscribers/import') return { limit: limits.subscriberImport, what: 'The CSV file' }
  if (path === '/api/media' || path.startsWith('/api/media/')) return { limit: limits.mediaUpload, what: 'The upload' }
  if (path.startsWith('/api/email-events/')) return { limit: limits.emailEvents, what: 'The email events batch' }
  if (path.startsWith('/email/')) return { limit: limits.emailForms, what: 'The form' }
  return { limit: limits.default, what: 'The request body' }
}

const describeBytes = (bytes: number) =>
  bytes >= MB && bytes % MB === 0 ? `${bytes / MB} MB` : bytes >= KB && bytes % KB === 0 ? `${bytes / KB} KB` : `${bytes} bytes`

/** How long a refused connection stays open, unread, for the client to read the answer. */
const LINGER_MS = 2_000

/**
 * Node ends a `Connection: close` response by destroying the socket as soon as the answer is
 * written. With the client still sending, the unread bytes make that a TCP reset, and many
 * clients (Node's own, browsers) then report a network error instead of the answer. So:
 * half-close, stop reading, and drop the connection a little later.
 */
const lingerInsteadOfReset = (res: ServerResponse) => {
  const socket = res.socket
  if (!socket) return
  socket.destroySoon = function lingeringClose(this: typeof socket) {
    this.end()
    // After Node's own resume of the request stream (next tick): reading stays stopped.
    setImmediate(() => this.pause())
    setTimeout(() => this.destroy(), LINGER_MS).unref()
  }
}

/** A plain HTML form (a browser navigating, JavaScript or not) is answered with a page, not JSON. */
const isFormPost = (req: IncomingMessage) => /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(req.headers['content-type'] ?? '')

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

const refusalPage = (message: string) =>
  `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Not sent</title></head>
<body style="font:17px/1.55 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1d2b2f">
<h1 style="color:#0f4c5c">The form was not sent</h1><p>${escapeHtml(message)}</p><p>Nothing was saved. Please go back, shorten what you typed and try again.</p>
</body></html>`

/**
 * Answers with `{ errors: [{ message }] }` (a page with the same message for an HTML form
 * post) and closes the connection afterwards: the rest of the body is never read.
 */
export const refuseRequest = (res: ServerResponse, status: number, message: string, options: { asPage?: boolean } = {}) => {
  if (res.headersSent) return void res.destroy()
  lingerInsteadOfReset(res)
  const body = options.asPage ? refusalPage(message) : JSON.stringify({ errors: [{ message }] })
  res.writeHead(status, {
    'Content-Type': options.asPage ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    Connection: 'close',
  })
  res.end(body)
}

const refuseTooLarge = (req: IncomingMessage, res: ServerResponse, what: string, limit: number) => {
  const size = describeBytes(limit)
  const message = `${what} is too large: at most ${size.endsWith(' bytes') ? size : `${size} (${limit} bytes)`} are accepted here.`
  refuseRequest(res, 413, message, { asPage: isFormPost(req) })
}

/**
 * Calls `proceed` once the request's body is known to fit `limit`, or answers 413.
 *
 * - A declared Content-Length over the limit is refused before anything is read (Node's
 *   parser never delivers more than the declared length, so a fitting one needs nothing more).
 * - A chunked body is held here, counted as it streams in, and only handed on (to the
 *   cache or Next, which read it as usual) once it ended within the limit. The moment it
 *   crosses the limit the held chunks are dropped, reading stops and 413 goes out: memory
 *   never holds more than `limit` bytes per request, and Next never sees a cut-off body.
 *
 * Holding works by taking over the request stream's `push`, which Node's HTTP parser calls
 * with each chunk of the body and `null` at its end: the bytes are observed exactly where
 * they enter the stream, without consuming it on anyone's behalf.
 */
export const holdBodyWithinLimit = (req: IncomingMessage, res: ServerResponse, { limit, what }: { limit: number; what: string }, proceed: () => void) => {
  const declared = req.headers['content-length']
  if (declared !== undefined) {
    if (Number(declared) > limit) return refuseTooLarge(req, res, what, limit)
    return proceed()
  }
  // Neither Content-Length nor chunked: HTTP/1.1 says there is no body.
  if (!/\bchunked\b/i.test(req.headers['transfer-encoding'] ?? '')) return proceed()

  const streamPush = req.push
  const held: Buffer[] = []
  let heldBytes = 0
  let refused = false
  req.push = function holdChunk(chunk: unknown, encoding?: BufferEncoding) {
    if (refused) return false
    if (chunk === null) {
      // The whole body fitted: give it to the stream as if it had just arrived, then let go.
      delete (req as { push?: unknown }).push
      for (const part of held) streamPush.call(req, part)
      streamPush.call(req, null)
      held.length = 0
      proceed()
      return false
    }
    const part = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding)
    heldBytes += part.length
    if (heldBytes > limit) {
      refused = true
      held.length = 0
      refuseTooLarge(req, res, what, limit)
      return false // stops the parser reading from the socket
    }
    held.push(part)
    return true
  }
}
