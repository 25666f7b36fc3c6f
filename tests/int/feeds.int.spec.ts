import { XMLParser } from 'fast-xml-parser'
import type { Payload } from 'payload'
import Parser from 'rss-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { drawHeroImage } from '../../src/seed/heroImage'
import { richText } from '../helpers/fixtures'
import { startSiteServer, type SiteServer } from './feeds-site-server'

/**
 * The article feeds over real HTTP behind the response cache: RSS 2.0 and the per-condition
 * feed parsed with rss-parser, Atom 1.0 and JSON Feed 1.1 checked for their specs' required
 * elements; 20 latest published articles, drafts never, links to the front end, media at
 * SERVER_URL; cached, and dropped when an article is published.
 */
const SITE_URL = 'https://www.clinic.test'
const SERVER_URL = 'http://localhost:3000'

let site: SiteServer
let payload: Payload
let conditionId: number
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' })

beforeAll(async () => {
  process.env.SITE_URL = SITE_URL
  site = await startSiteServer('feeds')
  payload = site.ctx.payload
  await payload.updateGlobal({ slug: 'clinic', data: { name: 'Stevenson Clinic', bookingUrl: 'https://example.com/book', tagline: 'Medical massage' } })
  const data = await drawHeroImage('Calm', 0)
  const media = await payload.create({ collection: 'media', data: { alt: 'A calm room' }, file: { data, mimetype: 'image/jpeg', name: 'calm.jpg', size: data.length } })
  const condition = await payload.create({ collection: 'conditions', data: { _status: 'published', name: 'Frozen shoulder', slug: 'frozen-shoulder', summary: 'Stiff shoulder.' } })
  conditionId = condition.id
  await payload.create({ collection: 'conditions', data: { _status: 'draft', name: 'Hidden', slug: 'hidden-condition', summary: 'Draft.' } })
  const day = Date.UTC(2026, 10, 1)
  for (let i = 1; i <= 22; i++) {
    await payload.create({
      collection: 'articles',
      context: { disableWebhooks: true },
      data: {
        _status: 'published',
        title: `Article ${i}`,
        slug: `article-${i}`,
        excerpt: `Summary ${i}`,
        content: richText(`Body <${i}>`),
        publishedAt: new Date(day + i * 86_400_000).toISOString(),
        heroImage: i % 2 === 0 ? media.id : undefined,
        conditions: i <= 3 ? [condition.id] : [],
      },
    })
  }
  await payload.create({ collection: 'articles', data: { _status: 'draft', title: 'Secret draft', slug: 'secret-draft', content: richText('No.'), conditions: [condition.id] } })
}, 180_000)

afterAll(async () => {
  delete process.env.SITE_URL
  await site?.stop()
})

describe('article feeds', () => {
  it('RSS 2.0: channel title, link, description; the 20 latest published items with content, image and front-end links', async () => {
    const response = await site.get('/feeds/articles.rss')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8')
    const feed = await new Parser<Record<string, unknown>, { enclosure: unknown; 'content:encoded': string }>({ customFields: { item: ['enclosure', 'content:encoded'] } }).parseString(response.text)
    expect(feed.title).toBe('Stevenson Clinic: articles')
    expect(feed.link).toBe(`${SITE_URL}/`)
    expect(feed.description).toBe('Medical massage')
    expect(feed.items).toHaveLength(20)
    expect(feed.items.map((item) => item.title)).toEqual(Array.from({ length: 20 }, (_, i) => `Article ${22 - i}`))
    expect(response.text).not.toContain('Secret draft')
    const [first] = feed.items
    expect(first!.link).toBe(`${SITE_URL}/articles/article-22`)
    expect(first!.guid).toMatch(/^tag:www\.clinic\.test,2026:articles\/\d+$/)
    expect(new Date(first!.pubDate!).toISOString()).toBe(new Date(Date.UTC(2026, 10, 23)).toISOString())
    expect(first!.contentSnippet ?? first!.content).toBeTruthy()
    expect(first!['content:encoded']).toBe('<p>Body &lt;22&gt;</p>')
    expect(first!.enclosure).toMatchObject({ url: `${SERVER_URL}/api/media/file/calm.jpg`, type: 'image/jpeg' })
    // The RSS 2.0 required elements, straight from the XML.
    const channel = xml.parse(response.text).rss.channel
    expect(xml.parse(response.text).rss['@version']).toBe('2.0')
    for (const element of ['title', 'link', 'description']) expect(channel[element], element).toBeTruthy()
  })

  it('Atom 1.0: feed id, title, updated, author; entries with id, title, updated, alternate link, content and summary', async () => {
    const response = await site.get('/feeds/articles.atom')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
    const feed = xml.parse(response.text).feed
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom')
    expect(feed.id).toBeTruthy()
    expect(feed.title).toBeTruthy()
    // RFC 3339, as Atom's date constructs require.
    expect(feed.updated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
    expect(feed.author.name).toBe('Stevenson Clinic')
    expect(feed.entry).toHaveLength(20)
    for (const entry of feed.entry) {
      expect(entry.id).toMatch(/^tag:/)
      expect(entry.title['#text'] ?? entry.title).toMatch(/^Article \d+$/)
      expect(entry.updated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
      expect(String(entry.summary['#text'] ?? entry.summary)).toMatch(/^Summary \d+$/)
      const links = [entry.link].flat()
      expect(links.some((link: any) => link['@href']?.startsWith(`${SITE_URL}/articles/`) && (link['@rel'] ?? 'alternate') === 'alternate')).toBe(true)
      expect(String(entry.content['#text'] ?? entry.content)).toContain('<p>Body')
    }
  })

  it('JSON Feed 1.1: version, title, items with id, url, content_html, summary, image and dates', async () => {
    const response = await site.get('/feeds/articles.json')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/feed+json; charset=utf-8')
    const feed = JSON.parse(response.text)
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1')
    expect(feed.title).toBe('Stevenson Clinic: articles')
    expect(feed.home_page_url).toBe(SITE_URL)
    expect(feed.feed_url).toBe(`${SERVER_URL}/feeds/articles.json`)
    expect(feed.authors).toEqual([{ name: 'Stevenson Clinic', url: SITE_URL }])
    expect(feed).not.toHaveProperty('author')
    expect(feed.items).toHaveLength(20)
    const [first] = feed.items
    expect(first).toMatchObject({ url: `${SITE_URL}/articles/article-22`, title: 'Article 22', summary: 'Summary 22', content_html: '<p>Body &lt;22&gt;</p>', image: `${SERVER_URL}/api/media/file/calm.jpg` })
    expect(first.id).toMatch(/^tag:/)
    expect(new Date(first.date_published).toISOString()).toBe(first.date_published)
    expect(new Date(first.date_modified).toISOString()).toBe(first.date_modified)
  })

  it('is answered from the response cache and dropped when an article is published; drafts never appear', async () => {
    const first = await site.get('/feeds/articles.rss')
    const again = await site.get('/feeds/articles.rss?utm=1')
    expect(again.headers.get('x-cache')).toBe('HIT')
    expect(again.text).toBe(first.text)
    expect(again.headers.get('cache-tag')).toContain('articles:list')
    // A draft save changes nothing a reader sees.
    const { docs } = await payload.find({ collection: 'articles', where: { slug: { equals: 'article-22' } } })
    await payload.update({ collection: 'articles', id: docs[0]!.id, draft: true, data: { title: 'Draft title' } })
    const afterDraft = await site.get('/feeds/articles.rss')
    expect(afterDraft.text).not.toContain('Draft title')
    await payload.create({
      collection: 'articles',
      data: { _status: 'published', title: 'Brand new', slug: 'brand-new', content: richText('New.'), publishedAt: new Date(Date.UTC(2026, 11, 1)).toISOString() },
    })
    const fresh = await site.get('/feeds/articles.rss')
    expect(fresh.headers.get('x-cache')).toBe('MISS')
    const feed = await new Parser().parseString(fresh.text)
    expect(feed.items[0]!.title).toBe('Brand new')
    expect(feed.items).toHaveLength(20)
  })

  it('per condition: the articles about it; 404 for an unknown or unpublished condition', async () => {
    const response = await site.get('/feeds/conditions/frozen-shoulder.rss')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8')
    const feed = await new Parser().parseString(response.text)
    expect(feed.title).toBe('Stevenson Clinic: Frozen shoulder')
    expect(feed.link).toBe(`${SITE_URL}/conditions/frozen-shoulder`)
    expect(feed.items.map((item) => item.title)).toEqual(['Article 3', 'Article 2', 'Article 1'])
    expect(conditionId).toBeGreaterThan(0)
    for (const path of ['/feeds/conditions/nothing-here.rss', '/feeds/conditions/hidden-condition.rss', '/feeds/conditions/frozen-shoulder.atom', '/feeds/other.rss']) {
      const missing = await site.get(path)
      expect(missing.status, path).toBe(404)
      expect(missing.headers.get('content-type')).toMatch(/^text\/plain/)
    }
  })
})
