import type { Endpoint, PayloadHandler } from 'payload'

import { checkSearchInput } from '../search/input'
import { searchServiceFor } from '../search/service'
import { json, problem } from './responses'

/**
 * `GET /api/search?q=…&collections=articles,conditions,services,faqs&limit=10` →
 * `{ results: [{ collection, id, slug, title, snippet, score }], total }`: published documents
 * only (src/search). Anonymous; `no-store`, outside the response cache (its answers follow the
 * index, not the cache's tags), and nothing about the reader or the query is logged or kept.
 */
const NO_STORE = { 'Cache-Control': 'no-store' }

const search: PayloadHandler = async (req) => {
  const params = req.searchParams
  const check = checkSearchInput({ q: params.get('q') ?? undefined, collections: params.get('collections') ?? undefined, limit: params.get('limit') ?? undefined })
  if (!check.ok) return problem(400, check.message, NO_STORE)
  const index = await searchServiceFor(req.payload).ready()
  return json(index.search(check.input.q, check.input), 200, NO_STORE)
}

export const searchEndpoints: Endpoint[] = [{ path: '/search', method: 'get', handler: search }]
