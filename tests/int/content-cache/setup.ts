/** Shared set-up of the response cache tests (tests/int/content-cache/*.int.spec.ts). */
import fs from 'node:fs'
import http from 'node:http'
import type net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll } from 'vitest'

import { installContentCacheBridge } from '../../../src/cache/bridge'
import { contentCacheConfig } from '../../../src/cache/config'
import { ContentCache, httpTransport } from '../../../src/cache/contentCache'
import { createStaff, richText } from '../../helpers/fixtures'
import { startTestPayload, stopTestPayload, type TestPayload } from '../../helpers/payload'

/**
 * The response cache in front of the real Payload route handlers (the same ones Next mounts),
 * over real HTTP: the cache on a loopback port, Payload behind it on a unix socket, exactly
 * as server.ts wires them. Production-server and cross-process behaviour is in
 * tests/e2e/content-cache.e2e.spec.ts.
 */

export const MAX_BYTES = 256 * 1024
export let ctx: TestPayload
export let cache: ContentCache
export let cacheUrl: string
export let socketDir: string
export let upstreamRequests = 0
export const servers: http.Server[] = []

export const toRequest = async (req: http.IncomingMessage) => {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value)
  }
  const body = chunks.length ? Buffer.concat(chunks) : undefined
  return new Request(new URL(req.url ?? '/', 'http://localhost:3000'), { method: req.method, headers, body })
}



export const get = async (pathAndQuery: string, headers: Record<string, string> = {}) => {
  // Hits are only served while the revision was read recently; on a loaded machine (CI) a
  // Local API write can hold the event loop past that bound. Wait for it, so that HIT/MISS
  // expectations test the rules rather than the machine's load.
  while (!cache.isFresh()) await new Promise((resolve) => setTimeout(resolve, 10))
  const response = await fetch(`${cacheUrl}${pathAndQuery}`, { headers })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

/** The hooks every file of this group registers: set-up, clean-up between tests, tear-down. */
export const useContentCacheTest = () => {
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
    const config = (await import('../../../payload.config')).default
    const graphqlRoute = await import('../../../src/app/(payload)/api/graphql/route')
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
}
