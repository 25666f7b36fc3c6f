import { getServerUrl } from '../utilities/serverUrl'

export const SCHEMA_CONTEXT = 'https://schema.org'

/** Every document points at the clinic by `@id` instead of embedding it: no extra query per read. */
export const clinicId = (): string => `${getServerUrl()}/#clinic`

export const absoluteUrl = (path: string): string => `${getServerUrl()}${path.startsWith('/') ? '' : '/'}${path}`

/** A relationship is an ID at depth 0 and a document above it; only documents carry names. */
export const populated = <T extends Record<string, any>>(value: unknown): T[] =>
  (Array.isArray(value) ? value : value ? [value] : []).filter(
    (item): item is T => typeof item === 'object' && item !== null,
  )

export const mediaUrl = (media: unknown): string | undefined => {
  const [doc] = populated<{ url?: string | null }>(media)
  if (!doc?.url) return undefined
  return doc.url.startsWith('http') ? doc.url : absoluteUrl(doc.url)
}

/** Drop undefined, null, empty strings and empty arrays so the output stays valid and tidy. */
export const compact = <T extends Record<string, unknown>>(object: T): T =>
  Object.fromEntries(
    Object.entries(object).filter(
      ([, value]) =>
        value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0),
    ),
  ) as T
