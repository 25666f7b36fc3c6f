import http from 'node:http'
import https from 'node:https'

import { signatureHeader } from '../../src/webhooks/signature'
import { guardedLookup, literalTargetProblem, webhookUrlProblem } from '../../src/webhooks/targetUrl'
import { USER_AGENT } from './config'

export type PostRequest = {
  url: string
  secret: string
  /** The exact bytes to post (a delivery's stored `body`). */
  body: string
  deliveryId: string
  event: string
  timeoutMs: number
  excerptBytes: number
}

export type PostResult = {
  ok: boolean
  /** The receiver's HTTP status, when it answered at all. */
  status: number | null
  excerpt: string | null
  durationMs: number
  error: string | null
}

/**
 * One signed POST. node:http rather than fetch: it never follows redirects (a 3xx is a
 * failure, reported with its Location), its `lookup` hook lets private addresses be
 * refused at connect time, and the response is read only up to a short excerpt, then the
 * connection is dropped. One deadline covers the whole exchange.
 */
export const postWebhook = (request: PostRequest): Promise<PostResult> => {
  const startedAt = performance.now()
  const elapsed = () => Math.round(performance.now() - startedAt)
  const refused = (error: string): PostResult => ({ ok: false, status: null, excerpt: null, durationMs: elapsed(), error })

  const urlProblem = webhookUrlProblem(request.url)
  if (urlProblem) return Promise.resolve(refused(urlProblem))
  const url = new URL(request.url)
  const literalProblem = literalTargetProblem(url)
  if (literalProblem) return Promise.resolve(refused(literalProblem))

  const payload = Buffer.from(request.body)
  return new Promise<PostResult>((resolve) => {
    let settled = false
    let status: number | null = null
    const chunks: Buffer[] = []
    let received = 0
    const finish = (error: string | null) => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      const excerpt = received ? Buffer.concat(chunks).subarray(0, request.excerptBytes).toString('utf8') : null
      const ok = error === null && status !== null && status >= 200 && status < 300
      resolve({ ok, status, excerpt, durationMs: elapsed(), error: ok ? null : (error ?? `The receiver answered ${status}.`) })
      outgoing.destroy()
    }
    const outgoing = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      lookup: guardedLookup,
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': payload.length,
        'User-Agent': USER_AGENT,
        'X-Webhook-Id': request.deliveryId,
        'X-Webhook-Event': request.event,
        'X-Webhook-Signature': signatureHeader(request.secret, request.body),
      },
    })
    const deadline = setTimeout(() => finish(`No complete answer within ${request.timeoutMs} ms (WEBHOOK_TIMEOUT_MS).`), request.timeoutMs)
    outgoing.on('error', (error: NodeJS.ErrnoException) => finish(error.message || error.code || 'Connection failed.'))
    outgoing.on('response', (response) => {
      status = response.statusCode ?? null
      const redirect =
        status !== null && status >= 300 && status < 400
          ? `The receiver redirected (${status}${response.headers.location ? ` to ${response.headers.location}` : ''}); redirects are not followed: use the final URL.`
          : null
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        received += chunk.length
        // Enough for the log: stop reading, whatever the receiver meant to send.
        if (received >= request.excerptBytes) finish(redirect)
      })
      response.on('end', () => finish(redirect))
      response.on('error', (error) => finish(status !== null && !redirect ? null : error.message))
    })
    outgoing.end(payload)
  })
}
