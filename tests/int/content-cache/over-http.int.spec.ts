import http from 'node:http'
import type net from 'node:net'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { contentCacheConfig } from '../../../src/cache/config'
import { ContentCache, httpTransport } from '../../../src/cache/contentCache'
import { richText } from '../../helpers/fixtures'
import { MAX_BYTES, ctx, cacheUrl, socketDir, upstreamRequests, servers, get, useContentCacheTest } from './setup'

useContentCacheTest()

describe('the cache over real HTTP in front of Payload', () => {
  it('answers a repeated anonymous read from memory, with a strong ETag and 304', async () => {
    const first = await get('/api/articles?limit=5&sort=-publishedAt')
    expect(first.status).toBe(200)
    expect(first.headers.get('x-cache')).toBe('MISS')
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^"[\w-]{32}"$/)
    expect(first.headers.get('cache-control')).toBe('public, max-age=0, s-maxage=10, stale-while-revalidate=30')
    const before = upstreamRequests
    const second = await get('/api/articles?sort=-publishedAt&limit=5')
    expect(second.headers.get('x-cache')).toBe('HIT')
    expect(second.text).toBe(first.text)
    expect(second.headers.get('etag')).toBe(etag)
    const notModified = await get('/api/articles?limit=5&sort=-publishedAt', { 'If-None-Match': etag })
    expect(notModified.status).toBe(304)
    expect(notModified.text).toBe('')
    expect(notModified.headers.get('etag')).toBe(etag)
    const otherTag = await get('/api/articles?limit=5&sort=-publishedAt', { 'If-None-Match': '"something-else"' })
    expect(otherTag.status).toBe(200)
    expect(upstreamRequests).toBe(before)
  })

  it('shares one upstream request among concurrent misses for one key', async () => {
    const before = upstreamRequests
    const responses = await Promise.all(Array.from({ length: 20 }, () => get('/api/conditions?limit=3&coalesce=1')))
    expect(responses.every((response) => response.status === 200)).toBe(true)
    expect(new Set(responses.map((response) => response.text)).size).toBe(1)
    expect(upstreamRequests - before).toBe(1)
  })

  it('answers GraphQL GET and POST of the same query from one entry', async () => {
    const query = 'query Titles { Articles(limit: 3) { docs { title } } }'
    const post = await fetch(`${cacheUrl}/api/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query, operationName: 'Titles' }),
    })
    expect(post.status).toBe(200)
    expect(post.headers.get('x-cache')).toBe('MISS')
    const postText = await post.text()
    const reformatted = 'query Titles {\n  Articles(limit: 3) {\n    docs { title }\n  }\n}'
    const viaGet = await get(`/api/graphql?query=${encodeURIComponent(reformatted)}&operationName=Titles`)
    expect(viaGet.headers.get('x-cache')).toBe('HIT')
    expect(viaGet.text).toBe(postText)
    expect(JSON.parse(postText).data.Articles.docs[0].title).toBe('First Article')
  })

  it('refuses mutations over GET and malformed variables with a 4xx and a message', async () => {
    const mutation = await get(`/api/graphql?query=${encodeURIComponent('mutation { logoutUser }')}`)
    expect(mutation.status).toBe(405)
    expect(JSON.parse(mutation.text).errors[0].message).toMatch(/POST/)
    const badVariables = await get(`/api/graphql?query=${encodeURIComponent('{ Articles { totalDocs } }')}&variables=%7Bnot-json`)
    expect(badVariables.status).toBe(400)
    expect(JSON.parse(badVariables.text).errors[0].message).toMatch(/variables/)
    const noQuery = await get('/api/graphql')
    expect(noQuery.status).toBe(400)
  })

  it('recomputes CORS per Origin instead of replaying the first reader\'s', async () => {
    const allowed = await get('/api/globals/clinic?cors=1', { Origin: 'https://www.clinic.test' })
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://www.clinic.test')
    expect(allowed.headers.get('vary')).toMatch(/Origin/)
    const other = await get('/api/globals/clinic?cors=1', { Origin: 'https://evil.example' })
    expect(other.headers.get('x-cache')).toBe('HIT')
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('drops the entries of an article this process changes, and nothing on a draft save', async () => {
    const article = await ctx.payload.create({
      collection: 'articles',
      data: { _status: 'published', title: 'Before', slug: 'before', content: richText('Old.') },
    })
    const url = `/api/articles/${article.id}?depth=0`
    expect(JSON.parse((await get(url)).text).title).toBe('Before')
    expect((await get(url)).headers.get('x-cache')).toBe('HIT')
    await ctx.payload.update({ collection: 'articles', id: article.id, data: { title: 'After' } })
    const next = await get(url)
    expect(next.headers.get('x-cache')).toBe('MISS')
    expect(JSON.parse(next.text).title).toBe('After')
    // A draft saved or autosaved over it clears nothing: the public still gets the published title.
    expect((await get(url)).headers.get('x-cache')).toBe('HIT')
    await ctx.payload.update({ collection: 'articles', id: article.id, draft: true, data: { title: 'Draft only' } })
    await ctx.payload.update({ collection: 'articles', id: article.id, draft: true, autosave: true, data: { title: 'Draft typing' } })
    const afterDraft = await get(url)
    expect([JSON.parse(afterDraft.text).title, afterDraft.headers.get('x-cache')]).toEqual(['After', 'HIT'])
    // A new draft document clears nothing.
    expect((await get(url)).headers.get('x-cache')).toBe('HIT')
    await ctx.payload.create({
      collection: 'articles',
      draft: true,
      data: { _status: 'draft', title: 'Unreleased', content: richText('Soon.') },
    })
    expect((await get(url)).headers.get('x-cache')).toBe('HIT')
    // Unpublishing it does.
    await ctx.payload.update({ collection: 'articles', id: article.id, data: { _status: 'draft' } })
    const unpublished = await get(url)
    expect([unpublished.status, unpublished.headers.get('x-cache')]).toEqual([404, 'MISS'])
  })

  it('stays within its byte budget under 10,000 distinct queries, and keeps the hot entries', async () => {
    // The byte budget is the cache's own policy, whatever answers behind it: here a plain
    // HTTP server answering each URL with ~1.5 KB of JSON, so 10,000 misses take seconds
    // instead of 10,000 Payload renders (minutes on 2 cores). A steady revision feed stands
    // for the watcher (tested above and in the e2e file) so that hits may be served.
    const floodSocket = path.join(socketDir, 'flood.sock')
    const upstream = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ url: req.url, padding: 'x'.repeat(1500) }))
    })
    await new Promise<void>((resolve) => upstream.listen(floodSocket, resolve))
    servers.push(upstream)
    const flood = new ContentCache(
      { ...contentCacheConfig({} as NodeJS.ProcessEnv), maxBytes: MAX_BYTES, maxEntryBytes: 32 * 1024 },
      { transport: httpTransport({ socketPath: floodSocket }), allowedOrigins: [] },
    )
    const front = http.createServer((req, res) =>
      flood.handle(req, res, (_passed, response) => {
        response.writeHead(502)
        response.end()
      }),
    )
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve))
    servers.push(front)
    const floodUrl = `http://127.0.0.1:${(front.address() as net.AddressInfo).port}`
    const keepFresh = setInterval(() => flood.revisionRead('steady', Date.now()), 20)
    flood.revisionRead('steady', Date.now())
    // Under load the feed's timer can lag past the staleness bound, and then the cache
    // rightly serves no hits: hot-entry checks wait for freshness first.
    const fresh = async () => {
      while (!flood.isFresh()) await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const read = async (pathAndQuery: string) => {
      const response = await fetch(`${floodUrl}${pathAndQuery}`)
      await response.arrayBuffer()
      return response
    }
    try {
      const hot = ['/api/globals/clinic?depth=0', '/api/articles?limit=2&depth=0', '/api/faqs?limit=1']
      for (const url of hot) {
        await read(url)
        await fresh()
        expect((await read(url)).headers.get('x-cache')).toBe('HIT')
      }
      let next = 0
      const reader = async () => {
        while (next < 10_000) {
          const index = next++
          const response = await read(`/api/articles?depth=0&flood=${index}`)
          expect(response.status).toBe(200)
          // Readers keep asking for the hot entries during the flood.
          if (index % 500 === 0) for (const url of hot) await read(url)
          if (index % 1000 === 0) expect(flood.stats().bytes).toBeLessThanOrEqual(MAX_BYTES)
        }
      }
      await Promise.all(Array.from({ length: 8 }, reader))
      const stats = flood.stats()
      expect(stats.miss).toBeGreaterThanOrEqual(10_000)
      expect(stats.bytes).toBeLessThanOrEqual(MAX_BYTES)
      expect(stats.entries).toBeLessThan(1000)
      // What clinic_content_cache_evictions_total reports: the one-offs pushed out to keep the budget.
      expect(stats.evictions).toBeGreaterThan(8_000)
      for (const url of hot) {
        await fresh()
        expect((await read(url)).headers.get('x-cache')).toBe('HIT')
      }
    } finally {
      clearInterval(keepFresh)
    }
  }, 300_000)

  it('does not cache keys or responses above their size limits', async () => {
    const hugeWhere = `/api/articles?where[title][equals]=${'x'.repeat(10_000)}`
    expect((await get(hugeWhere)).headers.get('x-cache')).toBe('BYPASS')
    const limit = 32 * 1024
    await ctx.payload.create({
      collection: 'articles',
      data: { _status: 'published', title: 'Long', slug: 'long', excerpt: 'y'.repeat(290), content: richText('z'.repeat(limit)) },
    })
    const big = '/api/articles?where[slug][equals]=long'
    expect((await get(big)).text.length).toBeGreaterThan(limit)
    expect((await get(big)).headers.get('x-cache')).toBe('MISS')
  })
})
