import { checkSearchInput } from './input'
import type { SearchService } from './service'

/** The answer to one search request, whoever serves it: the Payload endpoint or the production server's in-process route. */
export type SearchAnswer = { status: 200 | 400; body: unknown }

/**
 * GET /api/search's whole behaviour, from its query string: the input rules (src/search/input.ts),
 * then the index. Shared by src/endpoints/search.ts (behind Next) and src/server/searchRoute.ts
 * (in front of it), so the two cannot answer differently.
 */
export const answerSearch = async (service: SearchService, params: URLSearchParams): Promise<SearchAnswer> => {
  const check = checkSearchInput({ q: params.get('q') ?? undefined, collections: params.get('collections') ?? undefined, limit: params.get('limit') ?? undefined })
  if (!check.ok) return { status: 400, body: { errors: [{ message: check.message }] } }
  const index = await service.ready()
  return { status: 200, body: index.search(check.input.q, check.input) }
}
