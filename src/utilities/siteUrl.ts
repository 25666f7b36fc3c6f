import { getServerUrl } from './serverUrl'

/**
 * The public website readers visit (`SITE_URL`), without a trailing slash. The CMS is
 * headless: when the site is served elsewhere (a static front end), emails must link
 * there, not to the API. Defaults to `SERVER_URL`, where the JSON-LD already places
 * articles.
 */
export const getSiteUrl = (): string => {
  const fromEnv = process.env.SITE_URL?.trim()
  return fromEnv ? fromEnv.replace(/\/+$/, '') : getServerUrl()
}

/** Where an article is read: `${SITE_URL}/articles/<slug>`, the path the JSON-LD uses too. */
export const articleUrl = (slug: string | null | undefined): string =>
  `${getSiteUrl()}/articles/${encodeURIComponent(slug ?? '')}`

/** Makes a media or upload URL absolute (`SERVER_URL` serves `/api/media/file/…`). */
export const absoluteMediaUrl = (url: string | null | undefined): string | undefined => {
  if (!url) return undefined
  if (/^https?:\/\//i.test(url)) return url
  return `${getServerUrl()}${url.startsWith('/') ? '' : '/'}${url}`
}
