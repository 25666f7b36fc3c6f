import fs from 'node:fs'
import http from 'node:http'
import type net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { installContentCacheBridge } from '../../src/cache/bridge'
import { contentCacheConfig } from '../../src/cache/config'
import { ContentCache, httpTransport } from '../../src/cache/contentCache'
import { PUBLIC_COLLECTIONS, PUBLIC_GLOBALS, PUBLIC_GRAPHQL_ROOT_FIELDS } from '../../src/cache/publicContent'
import { classifyGraphql, classifyRest, isAuthenticated } from '../../src/cache/rules'
import { createStaff, richText } from '../helpers/fixtures'
import { ROOT } from '../helpers/server'
import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'

/**
 * The response cache in front of the real Payload route handlers (the same ones Next mounts),
 * over real HTTP: the cache on a loopback port, Payload behind it on a unix socket, exactly
 * as server.ts wires them. Production-server and cross-process behaviour is in
 * tests/e2e/content-cache.e2e.spec.ts.
 */

const MAX_BYTES = 256 * 1024
let ctx: TestPayload
let cache: ContentCache
let cacheUrl: string
let socketDir: string
let upstreamRequests = 0
const servers: http.Server[] = []

const toRequest = async (req: http.IncomingMessage) => {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value)
  }
  const body = chunks.length ? Buffer.concat(chunks) : undefined
  return new Request(new URL(req.url ?? '/', 'http://localhost:3000'), { method: req.method, headers, body })
}

beforeAll(async () => {
  // The bridge must exist before Payload starts: its onInit then starts watching the revision.
  socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-int-'))
  const socketPath = path.join(socketDir, 'payload.sock')
  cache = new ContentCache(
    { ...contentCacheConfig({} as NodeJS.ProcessEnv), maxBytes: MAX_BYTES, maxEntryBytes: 32 * 1024 },
    { transport: httpTransport({ socketPath }), allowedOrigins: ['https://www.clinic.test'] },
  )
  installContentCacheBridge(cache)
  ctx = await startTestPayload('content-cache')
  await createStaff(ctx.payload)

  const routes = await import('@payloadcms/next/routes')
  const config = (await import('../../payload.config')).default
  const graphqlRoute = await import('../../src/app/(payload)/api/graphql/route')
  const rest = { GET: routes.REST_GET(config), POST: routes.REST_POST(config) }
  // Stands where Next stands in production: the real Payload handlers.
  const payloadHandler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    upstreamRequests += 1
    const request = await toRequest(req)
    const url = new URL(request.url)
    let response: Response
    if (url.pathname === '/api/graphql') {
      response = req.method === 'GET' ? await graphqlRoute.GET(request) : await graphqlRoute.POST(request)
    } else {
      const slug = url.pathname.replace(/^\/api\//, '').split('/').map(decodeURIComponent)
      response = await rest[req.method as 'GET' | 'POST'](request, { params: Promise.resolve({ slug }) })
    }
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  }
  const payloadServer = http.createServer(payloadHandler)
  await new Promise<void>((resolve) => payloadServer.listen(socketPath, resolve))
  servers.push(payloadServer)
  // Requests the cache passes through go to the same handlers, as they go to Next in production.
  const front = http.createServer((req, res) => cache.handle(req, res, (passed, response) => void payloadHandler(passed, response)))
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve))
  servers.push(front)
  cacheUrl = `http://127.0.0.1:${(front.address() as net.AddressInfo).port}`

  await ctx.payload.create({
    collection: 'articles',
    data: { _status: 'published', title: 'First Article', slug: 'first-article', content: richText('Words.') },
  })
  // The watcher reads the revision every 50 ms: wait for its first read.
  while (!cache.isFresh()) await new Promise((resolve) => setTimeout(resolve, 20))
})

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  cache?.stopWatching?.()
  if (ctx) await stopTestPayload(ctx)
  fs.rmSync(socketDir, { recursive: true, force: true })
})

const get = async (pathAndQuery: string, headers: Record<string, string> = {}) => {
  // Hits are only served while the revision was read recently; on a loaded machine (CI) a
  // Local API write can hold the event loop past that bound. Wait for it, so that HIT/MISS
  // expectations test the rules rather than the machine's load.
  while (!cache.isFresh()) await new Promise((resolve) => setTimeout(resolve, 10))
  const response = await fetch(`${cacheUrl}${pathAndQuery}`, { headers })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

describe('which requests the cache may answer', () => {
  it('lists only public read fields, all of which exist in the schema and the config', async () => {
    const schema = fs.readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8')
    const queryType = /(?:^|\n)type Query \{\n([\s\S]*?)\n\}/.exec(schema)![1]
    const queryFields = new Set([...queryType.matchAll(/^ {2}(\w+)/gm)].map((match) => match[1]))
    for (const field of PUBLIC_GRAPHQL_ROOT_FIELDS) if (field !== '__typename') expect(queryFields).toContain(field)
    for (const field of PUBLIC_GRAPHQL_ROOT_FIELDS) expect(field).not.toMatch(/version|docAccess|User|Subscriber|Newsletter|Deliver|Webhook|Payload/)

    const config = await (await import('../../payload.config')).default
    for (const [slug, names] of Object.entries(PUBLIC_COLLECTIONS)) {
      const collection = config.collections.find((candidate) => candidate.slug === slug)!
      // The schema's own names for this collection's find-one and find-many.
      const singular = new RegExp(`^  ${names.singular}\\(id: `, 'm')
      const plural = new RegExp(`^  ${names.plural}\\(draft: Boolean, .*\\): ${names.plural}\\b`, 'm')
      expect([slug, singular.test(queryType), plural.test(queryType)]).toEqual([slug, true, true])
      // Every public collection clears the cache when it changes.
      expect(collection.hooks.afterChange?.some((hook) => hook.name === 'bumpContentRevisionAfterChange')).toBe(true)
      expect(collection.hooks.afterDelete?.some((hook) => hook.name === 'bumpContentRevisionAfterDelete')).toBe(true)
    }
    for (const slug of Object.keys(PUBLIC_GLOBALS)) {
      const global = config.globals.find((candidate) => candidate.slug === slug)!
      expect(global.hooks.afterChange?.some((hook) => hook.name === 'bumpContentRevisionAfterGlobalChange')).toBe(true)
    }
  })

  it('classifies REST paths', () => {
    const rest = (url: string) => {
      const parsed = new URL(url, 'http://x')
      return classifyRest(parsed.pathname, parsed.searchParams).cacheable
    }
    expect(rest('/api/articles?limit=10')).toBe(true)
    expect(rest('/api/articles/12')).toBe(true)
    expect(rest('/api/articles/count')).toBe(true)
    expect(rest('/api/media')).toBe(true)
    expect(rest('/api/globals/clinic')).toBe(true)
    expect(rest('/api/articles?draft=true')).toBe(false)
    expect(rest('/api/articles?draft=false')).toBe(false)
    expect(rest('/api/articles/12?draft=true')).toBe(false)
    expect(rest('/api/articles/versions')).toBe(false)
    expect(rest('/api/articles/versions/3')).toBe(false)
    expect(rest('/api/articles/12/schedule')).toBe(false)
    expect(rest('/api/media/file/x.jpg')).toBe(false)
    expect(rest('/api/globals/clinic/versions')).toBe(false)
    expect(rest('/api/globals/audience-stats')).toBe(false)
    for (const slug of ['users', 'subscribers', 'newsletters', 'deliveries', 'webhooks', 'webhook-deliveries', 'payload-jobs']) {
      expect(rest(`/api/${slug}`)).toBe(false)
    }
    // One key whatever the order of the parameters.
    const a = classifyRest('/api/articles', new URLSearchParams('limit=2&sort=-publishedAt'))
    const b = classifyRest('/api/articles', new URLSearchParams('sort=-publishedAt&limit=2'))
    expect(a).toEqual(b)
  })

  it('classifies GraphQL operations', () => {
    const cacheable = (query: string, variables?: unknown, operationName?: string) =>
      classifyGraphql({ query, variables, operationName }).cacheable
    expect(cacheable('{ Articles { docs { title } } }')).toBe(true)
    expect(cacheable('query Q($s: String) { Articles(where: { slug: { equals: $s } }) { docs { title } } Clinic { name } }', { s: 'x' })).toBe(true)
    expect(cacheable('query { ...F } fragment F on Query { Conditions { totalDocs } countFaqs { totalDocs } }')).toBe(true)
    expect(cacheable('{ allMedia { docs { url } } Media(id: 1) { alt } }')).toBe(true)
    expect(cacheable('{ Articles(draft: true) { docs { title } } }')).toBe(false)
    expect(cacheable('{ Article(id: 1, draft: false) { title } }')).toBe(false)
    expect(cacheable('{ Articles { docs { conditions { relatedArticles(draft: true) { docs { id } } } } } }')).toBe(false)
    expect(cacheable('{ versionsArticles { docs { id } } }')).toBe(false)
    expect(cacheable('{ Users { docs { email } } }')).toBe(false)
    expect(cacheable('{ Subscribers { totalDocs } }')).toBe(false)
    expect(cacheable('{ Articles { totalDocs } Users { totalDocs } }')).toBe(false)
    expect(cacheable('{ meUser { user { email } } }')).toBe(false)
    expect(cacheable('{ __schema { types { name } } }')).toBe(false)
    expect(cacheable('mutation { loginUser(email: "a", password: "b") { token } }')).toBe(false)
    expect(cacheable('query A { Articles { totalDocs } } mutation B { logoutUser }', undefined, 'B')).toBe(false)
    expect(cacheable('{ Articles { docs { title }')).toBe(false)
    // Formatting, comments and variable key order do not split the cache.
    const a = classifyGraphql({ query: '{Articles{docs{title}}}', variables: { a: 1, b: 2 } })
    const b = classifyGraphql({ query: '# front page\n{ Articles { docs { title } } }', variables: { b: 2, a: 1 } })
    expect(a.cacheable && a.key).toBe(b.cacheable && b.key)
  })

  it('treats any credentials as authenticated', () => {
    expect(isAuthenticated({})).toBe(false)
    expect(isAuthenticated({ cookie: 'theme=dark; other=1' })).toBe(false)
    expect(isAuthenticated({ cookie: 'theme=dark; payload-token=abc' })).toBe(true)
    expect(isAuthenticated({ authorization: 'JWT abc' })).toBe(true)
    expect(isAuthenticated({ authorization: 'users API-Key abc' })).toBe(true)
  })
})

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

  it('drops everything at once when this process changes public content', async () => {
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
    // A draft saved over it clears too (a hook cannot tell it from an unpublish), and the
    // public still gets the published title.
    expect((await get(url)).headers.get('x-cache')).toBe('HIT')
    await ctx.payload.update({ collection: 'articles', id: article.id, draft: true, data: { title: 'Draft only' } })
    const afterDraft = await get(url)
    expect(JSON.parse(afterDraft.text).title).toBe('After')
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
