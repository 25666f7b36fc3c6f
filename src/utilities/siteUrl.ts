import { getServerUrl } from './serverUrl'

/**
 * The public website readers visit (`SITE_URL`), without a trailing slash. The CMS is
 * headless: when the site is served elsewhere (a static front end), emails, JSON-LD, feeds
 * and the sitemap must link there, not to the API. Defaults to `SERVER_URL`.
 */
export const getSiteUrl = (): string => {
  const fromEnv = process.env.SITE_URL?.trim()
  return fromEnv ? fromEnv.replace(/\/+$/, '') : getServerUrl()
}

/** The collections with a page on the front end, each placed by a path pattern in the clinic global's `frontEnd` group. */
export const FRONT_END_COLLECTIONS = ['articles', 'conditions', 'services', 'faqs'] as const
export type FrontEndCollection = (typeof FRONT_END_COLLECTIONS)[number]
export type FrontEndPatterns = Record<FrontEndCollection, string>
export const isFrontEndCollection = (slug: string): slug is FrontEndCollection => (FRONT_END_COLLECTIONS as readonly string[]).includes(slug)

/** The clinic global's fields, one per collection (collections/Clinic `frontEnd`), and their defaults. */
export const FRONT_END_PATTERN_FIELDS: Record<FrontEndCollection, string> = {
  articles: 'articlePath',
  conditions: 'conditionPath',
  services: 'servicePath',
  faqs: 'faqPath',
}

export const DEFAULT_FRONT_END_PATTERNS: FrontEndPatterns = {
  articles: '/articles/{slug}',
  conditions: '/conditions/{slug}',
  services: '/services/{slug}',
  faqs: '/faq#{slug}',
}

export const MAX_FRONT_END_PATTERN_LENGTH = 200

/**
 * Why a pattern cannot place pages, or null: a site path (`/…`, not `//host`), naming `{slug}`
 * or `{id}` (else every document would share one URL), no other `{…}`, no spaces.
 */
export const frontEndPatternProblem = (pattern: unknown): string | null => {
  if (typeof pattern !== 'string' || !pattern) return 'Give a path starting with "/", e.g. /articles/{slug}.'
  if (pattern.length > MAX_FRONT_END_PATTERN_LENGTH) return `A path pattern is at most ${MAX_FRONT_END_PATTERN_LENGTH} characters.`
  if (!pattern.startsWith('/') || pattern.startsWith('//')) return `"${pattern}" must be a path on the site, starting with a single "/" (e.g. /articles/{slug}).`
  if (/\s/.test(pattern)) return 'A path pattern cannot contain spaces.'
  if (!/\{(slug|id)\}/.test(pattern)) return `"${pattern}" must contain {slug} or {id}, or every document would have the same URL.`
  const unknown = pattern.match(/\{(?!slug\}|id\})[^}]*\}?/)
  if (unknown) return `"${unknown[0]}" is not a placeholder: use {slug} or {id}.`
  return null
}

export type ClinicWithFrontEnd = { frontEnd?: Partial<Record<string, string | null>> | null } | null | undefined

/** The patterns the clinic global sets, a default for each one left empty (or unusable: a row written past validation). */
export const frontEndPatternsOf = (clinic: ClinicWithFrontEnd): FrontEndPatterns => {
  const patterns = { ...DEFAULT_FRONT_END_PATTERNS }
  for (const collection of FRONT_END_COLLECTIONS) {
    const value = clinic?.frontEnd?.[FRONT_END_PATTERN_FIELDS[collection]]
    if (typeof value === 'string' && value && !frontEndPatternProblem(value)) patterns[collection] = value
  }
  return patterns
}

export type FrontEndDoc = { id?: number | string | null; slug?: string | null }

/**
 * The document's path on the front end: its collection's pattern with `{slug}` and `{id}`
 * filled in, URL-encoded. FAQs have no slug: their `{slug}` is their id.
 */
export const frontEndPath = (collection: FrontEndCollection, doc: FrontEndDoc, patterns: FrontEndPatterns = DEFAULT_FRONT_END_PATTERNS): string => {
  const id = doc.id === null || doc.id === undefined ? '' : String(doc.id)
  const slug = doc.slug || id
  return patterns[collection].replaceAll('{slug}', encodeURIComponent(slug)).replaceAll('{id}', encodeURIComponent(id))
}

/** The document's absolute URL on the front end (`SITE_URL` + its path). */
export const frontEndUrl = (collection: FrontEndCollection, doc: FrontEndDoc, patterns: FrontEndPatterns = DEFAULT_FRONT_END_PATTERNS): string =>
  `${getSiteUrl()}${frontEndPath(collection, doc, patterns)}`

/** Where an article is read: `SITE_URL` + its pattern (`/articles/{slug}` by default). */
export const articleUrl = (slug: string | null | undefined, patterns: FrontEndPatterns = DEFAULT_FRONT_END_PATTERNS): string =>
  frontEndUrl('articles', { slug: slug ?? '' }, patterns)

/** Makes a media or upload URL absolute (`SERVER_URL` serves `/api/media/file/…`). */
export const absoluteMediaUrl = (url: string | null | undefined): string | undefined => {
  if (!url) return undefined
  if (/^https?:\/\//i.test(url)) return url
  return `${getServerUrl()}${url.startsWith('/') ? '' : '/'}${url}`
}
