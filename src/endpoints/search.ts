import type { Endpoint, PayloadHandler } from 'payload'

import { answerSearch } from '../search/answer'
import { searchServiceFor } from '../search/service'
import { json } from './responses'

/**
 * `GET /api/search?q=…&collections=articles,conditions,services,faqs&limit=10` →
 * `{ results: [{ collection, id, slug, title, snippet, score }], total }`: published documents
 * only (src/search). Anonymous; `no-store`, outside the response cache (its answers follow the
 * index, not the cache's tags), and nothing about the reader or the query is logged or kept.
 * Under `npm start` the production server answers it before Next (src/server/searchRoute.ts)
 * once Payload has started; this endpoint answers under `npm run dev`, in tests, and before that.
 */
const NO_STORE = { 'Cache-Control': 'no-store' }

const search: PayloadHandler = async (req) => {
  const { status, body } = await answerSearch(searchServiceFor(req.payload), req.searchParams)
  return json(body, status, NO_STORE)
}

export const searchEndpoints: Endpoint[] = [{ path: '/search', method: 'get', handler: search }]
