import type { FieldHook, TextFieldSingleValidation } from 'payload'

/**
 * The IANA timezone names this server knows (its ICU data), plus 'UTC', which ICU lists as
 * an alias only. The admin offers these as a list; the stored value stays plain text, so
 * the API, the generated types and the GraphQL schema do not depend on one ICU version.
 */
export const timeZoneNames = (): string[] => [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])].sort()

/** The name ICU resolves a zone to ('US/Central' → 'America/Chicago'), or undefined if unknown. */
export const resolveTimeZone = (value: string): string | undefined => {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone
  } catch {
    return undefined
  }
}

/** Aliases and odd capitals from the API are stored as the listed name the admin shows. */
export const canonicaliseTimeZone: FieldHook = ({ value }) => {
  if (typeof value !== 'string' || !value.trim()) return value
  const resolved = resolveTimeZone(value.trim())
  return resolved && timeZoneNames().includes(resolved) ? resolved : value.trim()
}

export const validateTimeZone: TextFieldSingleValidation = (value) => {
  if (!value) return 'A timezone is required (for example America/Chicago).'
  return resolveTimeZone(value)
    ? true
    : `"${value}" is not a known IANA timezone. Pick one from the list, such as America/Chicago or Europe/London.`
}
