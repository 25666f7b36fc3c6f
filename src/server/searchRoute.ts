import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'

import { addCorsHeaders } from '../cache/cachedResponse'
import { problemBody } from '../endpoints/responses'
import { answerSearch } from '../search/answer'
import { SearchBusyError, type SearchWorkerPool } from '../search/workerPool'

const SEARCH_PATH = '/api/search'

/**
 * GET /api/search answered in the production server, in front of Next, by its search threads
 * (src/search/workerPool.ts): the same answer as the Payload endpoint (src/endpoints/search.ts,
 * both through src/search/answer.ts) without Next's router and Payload's request set-up, which
 * cost about as much as the search itself, and off the event loop that serves everything else.
 * Nothing here reads credentials: a search answers everyone alike, from published documents only.
 *
 * Returns false, leaving the request to Next, for anything else, for a HEAD (the endpoint is GET
 * only), and while the threads have no index yet. A search the threads fail (one died) goes to
 * Payload too; when every thread already has MAX_WAITING_PER_THREAD searches waiting, `503` with
 * `Retry-After: 1`. Headers as the endpoint sends them where they matter: JSON, `Cache-Control:
 * no-store`, and CORS for the allowed origins (a search is a simple GET: a preflight still goes to Payload).
 */
export const answerSearchInProcess = (
  req: IncomingMessage,
  res: ServerResponse,
  { pool, allowedOrigins, next }: { pool: SearchWorkerPool | undefined; allowedOrigins: ReadonlySet<string>; next: () => void },
): boolean => {
  if (req.method !== 'GET' || !pool?.ready) return false
  const url = req.url ?? '/'
  const queryStart = url.indexOf('?')
  if ((queryStart === -1 ? url : url.slice(0, queryStart)) !== SEARCH_PATH) return false
  const send = (status: number, body: unknown, extraHeaders: Record<string, string> = {}) => {
    const text = JSON.stringify(body)
    const headers: OutgoingHttpHeaders = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      'cache-control': 'no-store',
      vary: 'Origin',
      ...extraHeaders,
    }
    addCorsHeaders(headers, req, allowedOrigins)
    res.writeHead(status, headers)
    res.end(text)
  }
  answerSearch((input) => pool.search(input), new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1))).then(
    ({ status, body }) => send(status, body),
    (error: unknown) => {
      if (res.headersSent) return void res.destroy()
      // A flood: every thread has a full queue. Said at once rather than answered seconds late.
      if (error instanceof SearchBusyError) return send(503, problemBody('Search is busy: try again in a moment.'), { 'retry-after': '1' })
      next()
    },
  )
  return true
}
