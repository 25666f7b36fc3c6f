import { XMLParser } from 'fast-xml-parser'
import Parser from 'rss-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { graphql, seedServerDatabase, startProductionServer, type RunningServer } from '../helpers/server'

/**
 * The front-end kit in the production build (`npm start`: Next's route handlers behind the
 * response cache): feeds, the sitemap (and Next's rewrite of /sitemap-<n>.xml), search (answered
 * in front of Next by the search threads: src/server/searchRoute.ts), the redirect resolver, and the server's one log
 * line for an origin CORS refuses. The behaviour in detail
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

  it('answers GET /api/search in front of Next: the same results as GraphQL Search (through Payload), its headers and refusals', async () => {
    const q = 'frozn sholder'
    const rest = await get(`/api/search?q=${encodeURIComponent(q)}&collections=conditions,articles&limit=4`, { Origin: SITE_URL })
    expect(rest.status).toBe(200)
    expect(rest.headers.get('content-type')).toBe('application/json')
    expect(rest.headers.get('cache-control')).toBe('no-store')
    expect(rest.headers.get('x-cache')).toBe('BYPASS')
    expect(rest.headers.get('access-control-allow-origin')).toBe(SITE_URL)
    expect(rest.headers.get('vary')).toBe('Origin')
    // Next's own headers (it sends Accept-CH on every answer) are absent: the answer did not come through Next.
    expect(rest.headers.get('accept-ch')).toBeNull()
    const body = JSON.parse(rest.text)
    expect(body.results[0].title).toMatch(/^Frozen shoulder/)
    const viaPayload = await graphql(
      server.url,
      `query ($q: String!) { Search(q: $q, collections: ["conditions", "articles"], limit: 4) { total results { collection id slug title snippet score } } }`,
      { q },
    )
    expect(viaPayload.json.data.Search).toEqual({ total: body.total, results: body.results.map((hit: { id: number }) => ({ ...hit, id: String(hit.id) })) })

    const refused = await get('/api/search?q=back&collections=users', { Origin: 'https://evil.test' })
    expect(refused.status).toBe(400)
    expect(JSON.parse(refused.text)).toEqual({ errors: [{ message: '"users" cannot be searched: "collections" takes articles, conditions, services, faqs.' }] })
    expect(refused.headers.get('access-control-allow-origin')).toBeNull()
    expect((await get('/api/search')).status).toBe(400)
    // Only GET is answered there; anything else is Payload's, as before.
    expect((await fetch(`${server.url}/api/search?q=back`, { method: 'POST' })).status).toBe(404)
  })
})
