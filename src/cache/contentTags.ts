/**
 * The tags of public content: what a cached answer contains, and what a change touches. One
 * vocabulary for the response cache (src/cache/contentCache.ts), the CDN headers it sends
 * (`Cache-Tag`, `Surrogate-Key`), the change log other processes read
 * (src/cache/contentChangeLog.ts) and the webhook bodies (src/webhooks/recordContentEvent.ts).
 *
 * - `articles:12`: the document, at any depth (the answer itself, a populated relationship,
 *   an upload, a document its JSON-LD names);
 * - `conditions:3:joins`: the document's join fields (a condition's related articles), carried
 *   only by answers that include them (a populated condition shows its name and slug only), and
 *   dropped by changes to the documents those joins list;
 * - `articles:slug:carpal-tunnel`: a lookup by slug, whether or not a document has it now
 *   (publishing one that does must drop the "nothing found" answer);
 * - `articles:list`: any other list or count of the collection, which any change in it can
 *   alter (a document entering, leaving or moving);
 * - `clinic`: the clinic global; `clinic:front-end`: its front-end path patterns, used by page URLs (JSON-LD, feeds, sitemap);
 * - `content`: every change drops it; carried only by an answer whose documents are not known
 *   (too many to list in a header, or an answer that came without tags).
 *
 * Pure functions, no Payload: server.ts's bundle and Next's both import this module.
 */

export const CLINIC_TAG = 'clinic'
export const ANY_CHANGE_TAG = 'content'
/** The clinic global's front-end path patterns: carried by answers with page URLs (JSON-LD, feeds, sitemap), dropped when they change. */
export const FRONT_END_PATTERNS_TAG = 'clinic:front-end'

export const documentTag = (collection: string, id: number | string) => `${collection}:${id}`
export const listTag = (collection: string) => `${collection}:list`
export const joinTag = (collection: string, id: number | string) => `${collection}:${id}:joins`

// Payload's slugField keeps letters, digits, `_` and `-`; a lookup of anything else (a CDN
// splits tags on commas and spaces) is tagged as a list instead.
const TAGGABLE_SLUG = /^[A-Za-z0-9_-]{1,150}$/
export const slugTag = (collection: string, slug: string): string =>
  TAGGABLE_SLUG.test(slug) ? `${collection}:slug:${slug}` : listTag(collection)

/** Internal header from Payload to the cache, and the two the cache sends on (Cloudflare; Fastly and Varnish xkey). */
export const CONTENT_TAGS_HEADER = 'x-content-tags'
export const CLOUDFLARE_TAGS_HEADER = 'cache-tag'
export const SURROGATE_KEY_HEADER = 'surrogate-key'

/**
 * Cloudflare allows 16 KB of tags per response, Fastly 16 KB of surrogate keys: an answer
 * listing more documents than fit (a long list at depth 2) is tagged `content` instead, which
 * every change drops.
 */
export const MAX_TAGS_HEADER_BYTES = 8 * 1024

/** The tags as one header value (space-separated, sorted), or `content` when too long. */
export const formatContentTags = (tags: Iterable<string>): string => {
  const joined = [...new Set(tags)].sort().join(' ')
  return joined.length <= MAX_TAGS_HEADER_BYTES ? joined : ANY_CHANGE_TAG
}

export const parseContentTags = (value: string | string[] | undefined): string[] => {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '')
  return text.split(/[\s,]+/).filter(Boolean)
}

/**
 * The tags to drop when a document of `collection` changes, from its public row before and
 * after: the document, both slugs, the collection's lists, and the joins of the documents that
 * list it (a condition's related articles) by the ids its joined field held before and after.
 */
export type PublicRowTags = { id: number | string; slug: string | null; joinedBy: Record<string, (number | string)[]> }

export const changeTags = (collection: string, rows: (PublicRowTags | null | undefined)[]): string[] => {
  const tags = new Set<string>([ANY_CHANGE_TAG, listTag(collection)])
  for (const row of rows) {
    if (!row) continue
    tags.add(documentTag(collection, row.id))
    if (row.slug) tags.add(slugTag(collection, row.slug))
    for (const [owner, ids] of Object.entries(row.joinedBy)) for (const id of ids) tags.add(joinTag(owner, id))
  }
  return [...tags].sort()
}
