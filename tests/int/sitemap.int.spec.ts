import { XMLParser } from 'fast-xml-parser'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { sitemapResponse } from '../../src/feeds/sitemap'
import { richText } from '../helpers/fixtures'
import { startSiteServer, type SiteServer } from './feeds-site-server'

/**
 * GET /sitemap.xml over real HTTP behind the response cache, parsed as XML: every published
 * article, condition and service at its front-end URL with lastmod, drafts never; a sitemap
 * index past the page size (injected small here: 50,000 in production); cached and dropped
 * with the content.
 */
const SITE_URL = 'https://www.clinic.test'
const NAMESPACE = 'http://www.sitemaps.org/schemas/sitemap/0.9'

let site: SiteServer
let payload: Payload
/** The page size of /sitemap.xml in this test; undefined: the production default. */
let pageSize: number | undefined
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'url' || name === 'sitemap' })

beforeAll(async () => {
  process.env.SITE_URL = SITE_URL
  site = await startSiteServer('sitemap', (pathname) => {
    if (pageSize === undefined) return undefined
    const page = /^\/sitemap-(\d+)\.xml$/.exec(pathname)?.[1]
    if (pathname !== '/sitemap.xml' && !page) return undefined
    return sitemapResponse(site.ctx.payload, page ? Number(page) : undefined, { pageSize })
  })
  payload = site.ctx.payload
  for (let i = 1; i <= 3; i++) {
    await payload.create({ collection: 'articles', data: { _status: 'published', title: `Article ${i}`, slug: `article-${i}`, content: richText('x') } })
  }
  await payload.create({ collection: 'articles', data: { _status: 'draft', title: 'Draft', slug: 'draft-article', content: richText('x') } })
  await payload.create({ collection: 'conditions', data: { _status: 'published', name: 'Neck pain', slug: 'neck-pain', summary: 'Sore.' } })
  await payload.create({ collection: 'conditions', data: { _status: 'draft', name: 'Hidden', slug: 'hidden-condition', summary: 'Draft.' } })
  await payload.create({
    collection: 'services',
    data: { _status: 'published', name: 'Medical massage', slug: 'medical-massage', category: 'medical', options: [{ durationMinutes: 60, price: 90 }] },
  })
  await payload.create({ collection: 'faqs', data: { _status: 'published', question: 'Insurance?', answer: richText('Yes.'), category: 'insurance' } })
}, 120_000)

afterAll(async () => {
  delete process.env.SITE_URL
  await site?.stop()
})

const locs = (text: string) => xml.parse(text).urlset.url.map((url: any) => url.loc).sort()

describe('sitemap', () => {
  it('lists every published article, condition and service with lastmod, as XML; drafts and FAQs never', async () => {
    const response = await site.get('/sitemap.xml')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8')
    const parsed = xml.parse(response.text)
    expect(parsed.urlset['@xmlns']).toBe(NAMESPACE)
    expect(locs(response.text)).toEqual(
      [1, 2, 3].map((i) => `${SITE_URL}/articles/article-${i}`).concat(`${SITE_URL}/conditions/neck-pain`, `${SITE_URL}/services/medical-massage`).sort(),
    )
    for (const url of parsed.urlset.url) expect(url.lastmod).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(response.text).not.toMatch(/draft-article|hidden-condition/)
  })

  it('is answered from the response cache and dropped when a listed collection changes', async () => {
    await site.get('/sitemap.xml')
    const hit = await site.get('/sitemap.xml')
    expect(hit.headers.get('x-cache')).toBe('HIT')
    const { docs } = await payload.find({ collection: 'conditions', where: { slug: { equals: 'hidden-condition' } }, draft: true })
    await payload.update({ collection: 'conditions', id: docs[0]!.id, data: { _status: 'published' } })
    const fresh = await site.get('/sitemap.xml')
    expect(fresh.headers.get('x-cache')).toBe('MISS')
    expect(locs(fresh.text)).toContain(`${SITE_URL}/conditions/hidden-condition`)
    await payload.update({ collection: 'conditions', id: docs[0]!.id, data: { _status: 'draft' } })
  })

  it('follows the clinic\'s path patterns: a new pattern drops the cached sitemap, an unrelated clinic edit does not', async () => {
    await site.get('/sitemap.xml')
    expect((await site.get('/sitemap.xml')).headers.get('x-cache')).toBe('HIT')
    await payload.updateGlobal({ slug: 'clinic', data: { name: 'Clinic', bookingUrl: 'https://example.com/book', tagline: 'Medical massage' } })
    expect((await site.get('/sitemap.xml')).headers.get('x-cache')).toBe('HIT')
    await payload.updateGlobal({ slug: 'clinic', data: { frontEnd: { articlePath: '/blog/{slug}' } } })
    try {
      const fresh = await site.get('/sitemap.xml')
      expect(fresh.headers.get('x-cache')).toBe('MISS')
      expect(locs(fresh.text)).toContain(`${SITE_URL}/blog/article-1`)
    } finally {
      await payload.updateGlobal({ slug: 'clinic', data: { frontEnd: { articlePath: '/articles/{slug}' } } })
    }
  })

  it('becomes a sitemap index past the page size, each page a urlset; a page that does not exist is a 404', async () => {
    pageSize = 2
    try {
      const index = await site.get('/sitemap.xml')
      expect(index.status).toBe(200)
      const parsed = xml.parse(index.text).sitemapindex
      expect(parsed['@xmlns']).toBe(NAMESPACE)
      expect(parsed.sitemap.map((entry: any) => entry.loc)).toEqual([1, 2, 3].map((n) => `${SITE_URL}/sitemap-${n}.xml`))
      for (const entry of parsed.sitemap) expect(entry.lastmod).toMatch(/^\d{4}-\d\d-\d\dT/)
      const pages = await Promise.all([1, 2, 3].map((n) => site.get(`/sitemap-${n}.xml`)))
      const all = pages.flatMap((page) => {
        expect(page.status).toBe(200)
        expect(page.headers.get('content-type')).toBe('application/xml; charset=utf-8')
        const urls = locs(page.text)
        expect(urls.length).toBeLessThanOrEqual(2)
        return urls
      })
      expect(all).toHaveLength(5)
      expect(new Set(all).size).toBe(5)
      expect((await site.get('/sitemap-4.xml')).status).toBe(404)
    } finally {
      pageSize = undefined
    }
  })
})
