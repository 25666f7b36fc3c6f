/**
 * What the public reads: the collections and globals whose published documents anonymous
 * readers can fetch, and their GraphQL names: every collection of published content
 * (PUBLISHED_CONTENT_COLLECTIONS, checked by the `satisfies`) and media. One list for the response cache's rules
 * (which requests may be cached) and the content-revision hooks (which changes drop entries);
 * tests/int/content-cache.int.spec.ts checks it against payload.config.ts and schema.graphql.
 */
import type { PublishedContentSlug } from '../../collections/shared/publishedContentSlugs'

export const PUBLIC_COLLECTIONS = {
  articles: { singular: 'Article', plural: 'Articles' },
  conditions: { singular: 'Condition', plural: 'Conditions' },
  services: { singular: 'Service', plural: 'Services' },
  faqs: { singular: 'Faq', plural: 'Faqs' },
  media: { singular: 'Media', plural: 'allMedia' },
} as const satisfies Record<PublishedContentSlug | 'media', { singular: string; plural: string }>

export const PUBLIC_GLOBALS = { clinic: 'Clinic' } as const

export type PublicCollectionSlug = keyof typeof PUBLIC_COLLECTIONS

/**
 * GraphQL root fields that read published content: find-one, find-many and count per
 * collection, and the globals. Not `version*`/`versions*` (drafts), not `docAccess*`
 * (answers depend on who asks), nothing about users, subscribers, newsletters, jobs.
 */
export const PUBLIC_GRAPHQL_ROOT_FIELDS: ReadonlySet<string> = new Set([
  ...Object.values(PUBLIC_COLLECTIONS).flatMap(({ singular, plural }) => [singular, plural, `count${plural}`]),
  ...Object.values(PUBLIC_GLOBALS),
  '__typename',
])
