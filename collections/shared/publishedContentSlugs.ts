/**
 * The collections of published content: drafts, versions, scheduled publishing, webhooks,
 * the public response cache and JSON-LD. Defined once here (a module without imports, so
 * jobs/, src/cache and collections/ can all import it without cycles); each collection is
 * built by publishedContentCollection (./publishedContent.ts).
 */
export const PUBLISHED_CONTENT_COLLECTIONS = ['articles', 'conditions', 'services', 'faqs'] as const
export type PublishedContentSlug = (typeof PUBLISHED_CONTENT_COLLECTIONS)[number]

export const isPublishedContentSlug = (slug: string): slug is PublishedContentSlug =>
  (PUBLISHED_CONTENT_COLLECTIONS as readonly string[]).includes(slug)
