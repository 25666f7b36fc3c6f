import { getServerUrl } from '../utilities/serverUrl'

export const SCHEMA_CONTEXT = 'https://schema.org'

/** Every document points at the clinic by `@id` instead of embedding it: no extra query per read. */
export const clinicId = (): string => `${getServerUrl()}/#clinic`

export const absoluteUrl = (path: string): string => `${getServerUrl()}${path.startsWith('/') ? '' : '/'}${path}`

/** What JSON-LD needs of related documents (never their own jsonLd: see src/fields/jsonLd.ts). */
export const NAME_ONLY = { name: true } as const
export const MEDIA_URL = { url: true, filename: true } as const

export const mediaUrl = (media: { url?: string | null } | undefined): string | undefined => {
  if (!media?.url) return undefined
  return media.url.startsWith('http') ? media.url : absoluteUrl(media.url)
}

/** Drop undefined, null, empty strings and empty arrays so the output stays valid and tidy. */
export const compact = <T extends Record<string, unknown>>(object: T): T =>
  Object.fromEntries(
    Object.entries(object).filter(
      ([, value]) =>
        value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0),
    ),
  ) as T
