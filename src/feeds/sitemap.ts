import type { Payload, PayloadRequest } from 'payload'

import { anonymousRequest } from '../seams/localRequest'
import { loadFrontEndPatterns } from '../utilities/frontEndPatterns'
import { frontEndUrl, getSiteUrl, type FrontEndCollection } from '../utilities/siteUrl'
import { escapeXml, FEED_CONTENT_TYPES, feedProblem, taggedResponse } from './responses'

/**
 * `GET /sitemap.xml` (README "Sitemap"): every published article, condition and service at its
 * front-end URL with `lastmod`. Past SITEMAP_MAX_URLS (the protocol's 50,000 per file) it becomes
 * a sitemap index of `/sitemap-1.xml` … (at SITE_URL, where the sitemap protocol wants them: the
 * front end serves or proxies these paths). Read as an anonymous visitor: drafts never appear.
 */
export const SITEMAP_MAX_URLS = 50_000
const SITEMAP_COLLECTIONS: FrontEndCollection[] = ['articles', 'conditions', 'services']
const NAMESPACE = 'http://www.sitemaps.org/schemas/sitemap/0.9'

export type SitemapOptions = { pageSize?: number }

type Entry = { loc: string; lastmod?: string }

const loadEntries = async (payload: Payload, req: PayloadRequest): Promise<Entry[]> => {
  const patterns = await loadFrontEndPatterns(payload, req)
  const entries: Entry[] = []
  for (const collection of SITEMAP_COLLECTIONS) {
    const { docs } = await payload.find({
      collection,
      where: { _status: { equals: 'published' } },
      select: { slug: true, updatedAt: true },
      sort: 'id',
      depth: 0,
      draft: false,
      overrideAccess: false,
      pagination: false,
      limit: 0,
      req,
    })
    for (const doc of docs as Array<{ id: number | string; slug?: string | null; updatedAt?: string }>) {
      if (!doc.slug) continue
      entries.push({ loc: frontEndUrl(collection, doc, patterns), lastmod: doc.updatedAt ? new Date(doc.updatedAt).toISOString() : undefined })
    }
  }
  return entries
}

const urlset = (entries: Entry[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${NAMESPACE}">\n${entries
    .map((entry) => `  <url><loc>${escapeXml(entry.loc)}</loc>${entry.lastmod ? `<lastmod>${entry.lastmod}</lastmod>` : ''}</url>`)
    .join('\n')}\n</urlset>\n`

const newest = (entries: Entry[]) => entries.reduce<string | undefined>((latest, entry) => (entry.lastmod && (!latest || entry.lastmod > latest) ? entry.lastmod : latest), undefined)

const sitemapIndex = (pages: Entry[][]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="${NAMESPACE}">\n${pages
    .map((page, index) => {
      const lastmod = newest(page)
      return `  <sitemap><loc>${escapeXml(`${getSiteUrl()}/sitemap-${index + 1}.xml`)}</loc>${lastmod ? `<lastmod>${lastmod}</lastmod>` : ''}</sitemap>`
    })
    .join('\n')}\n</sitemapindex>\n`

const pagesOf = (entries: Entry[], pageSize: number) => {
  const pages: Entry[][] = []
  for (let start = 0; start < entries.length; start += pageSize) pages.push(entries.slice(start, start + pageSize))
  return pages
}

/**
 * `page` undefined: `/sitemap.xml` (the urlset, or the index when there are more URLs than fit one
 * file); a number: `/sitemap-<page>.xml` of the index, 404 when there is no such page.
 */
export const sitemapResponse = async (payload: Payload, page?: number, { pageSize = SITEMAP_MAX_URLS }: SitemapOptions = {}): Promise<Response> => {
  const req = await anonymousRequest(payload)
  const entries = await loadEntries(payload, req)
  const pages = pagesOf(entries, pageSize)
  if (page === undefined) return taggedResponse(pages.length > 1 ? sitemapIndex(pages) : urlset(entries), FEED_CONTENT_TYPES.xml, req)
  if (pages.length <= 1 || !Number.isInteger(page) || page < 1 || page > pages.length) {
    return feedProblem(404, pages.length > 1 ? `No sitemap page ${page}: there are ${pages.length} (/sitemap-1.xml to /sitemap-${pages.length}.xml).` : 'There is one sitemap: /sitemap.xml.')
  }
  return taggedResponse(urlset(pages[page - 1]!), FEED_CONTENT_TYPES.xml, req)
}
