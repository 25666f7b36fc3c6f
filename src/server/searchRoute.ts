import type { IncomingMessage, ServerResponse } from 'node:http'

import { answerSearch } from '../search/answer'
import type { SearchWorkerPool } from '../search/workerPool'

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
 * Payload too. Headers as the endpoint sends them where they matter: JSON, `Cache-Control:
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
  answerSearch((input) => pool.search(input), new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1))).then(
    ({ status, body }) => {
      const text = JSON.stringify(body)
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(text)),
        'cache-control': 'no-store',
        vary: 'Origin',
      }
      const origin = req.headers.origin
      if (origin && allowedOrigins.has(origin)) {
        headers['access-control-allow-origin'] = origin
        headers['access-control-allow-credentials'] = 'true'
      }
      res.writeHead(status, headers)
      res.end(text)
    },
    () => {
      if (!res.headersSent) next()
      else res.destroy()
    },
  )
  return true
}
