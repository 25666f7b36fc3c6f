import type { Endpoint, PayloadHandler } from 'payload'

import { answerSearch } from '../search/answer'
import { searchServiceFor } from '../search/service'
import { json } from './responses'

/**
 * `GET /api/search?q=…&collections=articles,conditions,services,faqs&limit=10` →
 * `{ results: [{ collection, id, slug, title, snippet, score }], total }`: published documents
 * only (src/search). Anonymous; `no-store`, outside the response cache (its answers follow the
 * index, not the cache's tags), and nothing about the reader or the query is logged or kept.
 * Under `npm start` the production server answers it before Next with its search threads
 * (src/server/searchRoute.ts) once they have the index; this endpoint answers under `npm run dev`,
 * in tests, before that, and with SEARCH_WORKERS=0.
 */
const NO_STORE = { 'Cache-Control': 'no-store' }

const search: PayloadHandler = async (req) => {
  const service = searchServiceFor(req.payload)
  const { status, body } = await answerSearch(async (input) => (await service.ready()).search(input.q, input), req.searchParams)
  return json(body, status, NO_STORE)
}

export const searchEndpoints: Endpoint[] = [{ path: '/search', method: 'get', handler: search }]
