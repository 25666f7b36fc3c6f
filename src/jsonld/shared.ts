import { absoluteMediaUrl, getSiteUrl } from '../utilities/siteUrl'

export const SCHEMA_CONTEXT = 'https://schema.org'

/**
 * Every document points at the clinic by `@id` instead of embedding it: no extra query per read.
 * The clinic is the website's home page (SITE_URL), where its own JSON-LD is placed.
 */
export const clinicId = (): string => `${getSiteUrl()}/#clinic`

/** `url#fragment` for an `@id`, or the URL as it is when its pattern already has a fragment (`/faq#{slug}`). */
export const withFragment = (url: string, fragment: string): string => (url.includes('#') ? url : `${url}#${fragment}`)

/** What JSON-LD needs of related documents (never their own jsonLd: see src/fields/jsonLd.ts). */
export const NAME_ONLY = { name: true } as const
export const MEDIA_URL = { url: true, filename: true } as const

export const mediaUrl = (media: { url?: string | null } | undefined): string | undefined => {
  if (!media?.url) return undefined
  // Media files are served by the CMS (SERVER_URL), not the website.
  return absoluteMediaUrl(media.url)
}

/** Drop undefined, null, empty strings and empty arrays so the output stays valid and tidy. */
export const compact = <T extends Record<string, unknown>>(object: T): T =>
  Object.fromEntries(
    Object.entries(object).filter(
      ([, value]) =>
        value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0),
    ),
  ) as T
