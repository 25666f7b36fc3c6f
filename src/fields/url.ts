import type { TextField, TextFieldSingleValidation } from 'payload'

/**
 * Accepts absolute http(s) URLs only: these end up in links that patients click and in
 * JSON-LD that search engines read, so `javascript:` and relative paths are refused.
 */
export const validateHttpUrl: TextFieldSingleValidation = (value, { required }) => {
  if (value === null || value === undefined || value === '') {
    return required ? 'This field is required.' : true
  }
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    return `"${value}" is not a valid URL. Use a full address such as https://example.com/page.`
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return `Only http:// and https:// addresses are allowed, not "${parsed.protocol}".`
  }
  return true
}

type UrlFieldArgs = Omit<TextField, 'type' | 'validate' | 'hasMany' | 'maxRows' | 'minRows'>

export const urlField = (overrides: UrlFieldArgs): TextField => ({
  type: 'text',
  validate: validateHttpUrl,
  ...overrides,
})
