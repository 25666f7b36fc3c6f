import { problemBody } from '../endpoints/responses'
import { checkSearchInput, type SearchInput } from './input'
import type { SearchHit } from './searchIndex'

/** The answer to one search request, whoever serves it: the Payload endpoint or the production server's search threads. */
export type SearchAnswer = { status: 200 | 400; body: unknown }

/**
 * GET /api/search's whole behaviour, from its query string: the input rules (src/search/input.ts),
 * then `search`, an index. Shared by src/endpoints/search.ts (behind Next, the in-thread index) and
 * src/server/searchRoute.ts (in front of it, the search threads), so the two cannot answer differently.
 */
export const answerSearch = async (
  search: (input: SearchInput) => Promise<{ results: SearchHit[]; total: number }>,
  params: URLSearchParams,
): Promise<SearchAnswer> => {
  const check = checkSearchInput({ q: params.get('q') ?? undefined, collections: params.get('collections') ?? undefined, limit: params.get('limit') ?? undefined })
  if (!check.ok) return { status: 400, body: problemBody(check.message) }
  return { status: 200, body: await search(check.input) }
}
