import type { IncomingMessage, ServerResponse } from 'node:http'

import { registeredSearchAnswerer } from '../search/bridge'

const SEARCH_PATH = '/api/search'

/**
 * GET /api/search answered in the production server, in front of Next: the same answer as the
 * Payload endpoint (src/endpoints/search.ts, both through src/search/answer.ts), without Next's
 * router and Payload's request set-up, which cost about as much as the search itself (bench:search).
 * Nothing here reads credentials: a search answers everyone alike, from published documents only.
 *
 * Returns false, leaving the request to Next, for anything else, for a HEAD (the endpoint is GET
 * only), and until Payload has started and registered its index (src/search/bridge.ts). Headers as
 * the endpoint sends them where they matter: JSON, `Cache-Control: no-store`, and CORS for the
 * allowed origins (a search is a simple GET: a preflight, if any, still goes to Payload).
 */
export const answerSearchInProcess = (req: IncomingMessage, res: ServerResponse, allowedOrigins: ReadonlySet<string>, next: () => void): boolean => {
  if (req.method !== 'GET') return false
  const url = req.url ?? '/'
  const queryStart = url.indexOf('?')
  if ((queryStart === -1 ? url : url.slice(0, queryStart)) !== SEARCH_PATH) return false
  const answer = registeredSearchAnswerer()
  if (!answer) return false
  answer(new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1))).then(
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
    // The index could not be read (its first build failed): Payload's endpoint tries again and answers as it does.
    () => {
      if (!res.headersSent) next()
      else res.destroy()
    },
  )
  return true
}
