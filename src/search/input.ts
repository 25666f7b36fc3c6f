import { PUBLISHED_CONTENT_COLLECTIONS, isPublishedContentSlug, type PublishedContentSlug } from '../../collections/shared/publishedContentSlugs'
import { tokenize } from './text'

/** Bounds of one search, checked before any work (README "Search"). */
export const MAX_QUERY_LENGTH = 200
export const MAX_QUERY_WORDS = 12
export const MAX_LIMIT = 50
export const DEFAULT_LIMIT = 10

export type SearchInput = { q: string; collections: ReadonlySet<PublishedContentSlug>; limit: number }
export type SearchInputCheck = { ok: true; input: SearchInput } | { ok: false; message: string }

const COLLECTIONS_SENTENCE = PUBLISHED_CONTENT_COLLECTIONS.join(', ')

/**
 * The same rules for REST (`q`, `collections` comma-separated, `limit`, all strings) and GraphQL
 * (`q`, `collections` a list, `limit` a number): an empty or over-long `q`, an unknown
 * collection or a `limit` outside 1–50 is refused with a sentence saying what to send.
 */
export const checkSearchInput = (raw: { q?: unknown; collections?: unknown; limit?: unknown }): SearchInputCheck => {
  const q = typeof raw.q === 'string' ? raw.q.trim() : ''
  if (!q) return { ok: false, message: 'Give the words to search for in "q", e.g. ?q=frozen+shoulder.' }
  if (q.length > MAX_QUERY_LENGTH) return { ok: false, message: `"q" is ${q.length} characters long: at most ${MAX_QUERY_LENGTH} are searched.` }
  const wordCount = tokenize(q).length
  if (wordCount === 0) return { ok: false, message: '"q" has no letters or digits to search for.' }
  if (wordCount > MAX_QUERY_WORDS) return { ok: false, message: `"q" has ${wordCount} words: search with at most ${MAX_QUERY_WORDS}.` }

  let names: string[]
  if (raw.collections === undefined || raw.collections === null || raw.collections === '') names = [...PUBLISHED_CONTENT_COLLECTIONS]
  else if (typeof raw.collections === 'string') names = raw.collections.split(',').map((name) => name.trim())
  else if (Array.isArray(raw.collections) && raw.collections.every((name) => typeof name === 'string')) names = raw.collections.map((name) => name.trim())
  else return { ok: false, message: `"collections" must list some of ${COLLECTIONS_SENTENCE}, comma-separated.` }
  if (names.length === 0 || names.length > PUBLISHED_CONTENT_COLLECTIONS.length * 2) {
    return { ok: false, message: `"collections" must list some of ${COLLECTIONS_SENTENCE}, comma-separated.` }
  }
  const unknown = names.find((name) => !isPublishedContentSlug(name))
  if (unknown !== undefined) return { ok: false, message: `"${unknown.slice(0, 40)}" cannot be searched: "collections" takes ${COLLECTIONS_SENTENCE}.` }

  let limit = DEFAULT_LIMIT
  if (raw.limit !== undefined && raw.limit !== null && raw.limit !== '') {
    const value = typeof raw.limit === 'number' ? raw.limit : typeof raw.limit === 'string' && /^\d{1,4}$/.test(raw.limit) ? Number(raw.limit) : NaN
    if (!Number.isInteger(value) || value < 1 || value > MAX_LIMIT) return { ok: false, message: `"limit" must be a whole number from 1 to ${MAX_LIMIT}.` }
    limit = value
  }
  return { ok: true, input: { q, collections: new Set(names as PublishedContentSlug[]), limit } }
}
