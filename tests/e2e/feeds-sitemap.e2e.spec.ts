import { XMLParser } from 'fast-xml-parser'
import Parser from 'rss-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { seedServerDatabase, startProductionServer, type RunningServer } from '../helpers/server'

/**
 * The front-end kit in the production build (`npm start`: Next's route handlers behind the
 * response cache): feeds, the sitemap (and Next's rewrite of /sitemap-<n>.xml), the redirect
 * resolver, and the server's one log line for an origin CORS refuses. The behaviour in detail
 * is in tests/int/{feeds,sitemap,redirects,cors-unlisted-origins}.int.spec.ts.
 */
const SITE_URL = 'https://www.clinic.test'

let server: RunningServer

beforeAll(async () => {
  // One server process, so "once" is once in the whole log.
  server = await startProductionServer('feeds-sitemap', { SITE_URL, CORS_ORIGINS: SITE_URL, WEB_CONCURRENCY: '1' })
  await seedServerDatabase(server)
})

afterAll(async () => {
  await server?.stop()
})

const get = async (path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${server.url}${path}`, { headers })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

describe('front-end kit under npm start', () => {
  it('serves the three article feeds with their types, the second read from the response cache', async () => {
    const rss = await get('/feeds/articles.rss')
    expect(rss.status).toBe(200)
    expect(rss.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8')
    const feed = await new Parser().parseString(rss.text)
    expect(feed.items.length).toBeGreaterThan(0)
    expect(feed.items.length).toBeLessThanOrEqual(20)
    for (const item of feed.items) expect(item.link).toMatch(new RegExp(`^${SITE_URL}/articles/[a-z0-9-]+$`))
    expect((await get('/feeds/articles.rss')).headers.get('x-cache')).toBe('HIT')
    expect((await get('/feeds/articles.atom')).headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
    const json = await get('/feeds/articles.json')
    expect(json.headers.get('content-type')).toBe('application/feed+json; charset=utf-8')
    expect(JSON.parse(json.text).version).toBe('https://jsonfeed.org/version/1.1')
    const unknown = await get('/feeds/conditions/no-such-condition.rss')
    expect(unknown.status).toBe(404)
  })

  it('serves the sitemap; /sitemap-1.xml reaches its route through the rewrite (404: one file only)', async () => {
    const sitemap = await get('/sitemap.xml')
    expect(sitemap.status).toBe(200)
    expect(sitemap.headers.get('content-type')).toBe('application/xml; charset=utf-8')
    const urls = new XMLParser({ isArray: (name) => name === 'url' }).parse(sitemap.text).urlset.url
    expect(urls.length).toBeGreaterThan(10)
    const firstCondition = urls.find((url: any) => url.loc.startsWith(`${SITE_URL}/conditions/`))
    expect(firstCondition.lastmod).toBeTruthy()
    const page = await get('/sitemap-1.xml')
    expect(page.status).toBe(404)
    expect(page.text).toContain('There is one sitemap: /sitemap.xml.')
    const slug = firstCondition.loc.slice(`${SITE_URL}/conditions/`.length)
    expect((await get(`/feeds/conditions/${slug}.rss`)).status).toBe(200)
  })

  it('answers the redirect resolver, and logs an origin CORS refuses once', async () => {
    expect((await get('/api/redirects/resolve?path=/articles/nothing')).status).toBe(404)
    expect((await get('/api/redirects/resolve')).status).toBe(400)
    const listed = await get('/api/articles?limit=1', { Origin: SITE_URL })
    expect(listed.headers.get('access-control-allow-origin')).toBe(SITE_URL)
    for (let i = 0; i < 3; i++) {
      const refused = await get('/api/articles?limit=1', { Origin: 'https://evil.test' })
      expect(refused.headers.get('access-control-allow-origin')).toBeNull()
    }
    const lines = server.output().split('\n').filter((line) => line.includes('CORS: a request from origin "https://evil.test"'))
    expect(lines).toHaveLength(1)
  })
})
