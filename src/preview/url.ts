import type { TextFieldSingleValidation } from 'payload'

/**
 * The front end's preview URL: a template from the clinic global (`preview.urlTemplate`) or
 * `PREVIEW_URL`, e.g. `https://www.example-clinic.com/api/preview?collection={collection}&slug={slug}&token={token}`.
 * Each placeholder is replaced by its value, URL-encoded (a slug or id can never add a path
 * segment or a query parameter); an unknown `{name}` stays as it is.
 */
export type PreviewUrlValues = { collection: string; id: string; slug: string; token: string }

const PLACEHOLDER = /\{(collection|id|slug|token)\}/g

export const fillPreviewUrl = (template: string, values: PreviewUrlValues): string =>
  template.replace(PLACEHOLDER, (_, name: keyof PreviewUrlValues) => encodeURIComponent(values[name] ?? ''))

/** For the clinic global's field: an absolute http(s) URL once filled in, with `{token}` (without it the front end cannot read the draft). */
export const validatePreviewUrlTemplate: TextFieldSingleValidation = (value) => {
  if (value === null || value === undefined || value === '') return true
  if (!value.includes('{token}')) return 'The template must contain {token}: the front end exchanges it for the draft at /api/preview?token=….'
  let parsed: URL
  try {
    parsed = new URL(fillPreviewUrl(value, { collection: 'articles', id: '1', slug: 'example', token: 'token' }))
  } catch {
    return `"${value}" is not a valid URL template. Use a full address such as https://www.example.com/api/preview?slug={slug}&token={token}.`
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `Only http:// and https:// addresses are allowed, not "${parsed.protocol}".`
  return true
}
