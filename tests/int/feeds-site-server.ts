/** Shared set-up of the feed and sitemap tests (tests/int/feeds.int.spec.ts, sitemap.int.spec.ts). */
import fs from 'node:fs'
import http from 'node:http'
import type net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import { installContentCacheBridge } from '../../src/cache/bridge'
import { contentCacheConfig } from '../../src/cache/config'
import { ContentCache, httpTransport } from '../../src/cache/contentCache'
import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'
import { toRequest } from './content-cache/setup'

export type SiteServer = {
  ctx: TestPayload
  cache: ContentCache
  url: string
  /** Requests that reached the routes (misses), by path. */
  upstream: string[]
  get: (path: string, headers?: Record<string, string>) => Promise<{ status: number; headers: Headers; text: string }>
  stop: () => Promise<void>
}

/**
 * The routes Next mounts for the feeds and the sitemap (src/app/(site)), the REST handlers for
 * everything else, behind the response cache over real HTTP, wired as server.ts wires them (the
 * cache on a loopback port, the routes on a unix socket). `route` may answer a path itself
 * (the sitemap with a small page size).
 */
export const startSiteServer = async (
  name: string,
  route?: (pathname: string) => Promise<Response> | undefined,
  options: { allowedOrigins?: string[]; logUnlistedOrigin?: (message: string) => void } = {},
): Promise<SiteServer> => {
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`))
  const socketPath = path.join(socketDir, 'next.sock')
  const cache = new ContentCache(contentCacheConfig({} as NodeJS.ProcessEnv), {
    transport: httpTransport({ socketPath }),
    allowedOrigins: options.allowedOrigins ?? [],
    logUnlistedOrigin: options.logUnlistedOrigin,
  })
  installContentCacheBridge(cache)
  const ctx = await startTestPayload(name)
  const routes = await import('@payloadcms/next/routes')
  const config = (await import('../../payload.config')).default
  const rest = { GET: routes.REST_GET(config) }
  const articleFeeds = await import('../../src/app/(site)/feeds/[file]/route')
  const conditionFeeds = await import('../../src/app/(site)/feeds/conditions/[file]/route')
  const sitemap = await import('../../src/app/(site)/sitemap.xml/route')
  const sitemapPages = await import('../../src/app/(site)/sitemaps/[page]/route')
  const upstream: string[] = []
  const answer = async (req: http.IncomingMessage): Promise<Response> => {
    const request = await toRequest(req)
    const { pathname } = new URL(request.url)
    upstream.push(pathname)
    const own = route?.(pathname)
    if (own) return own
    let match: RegExpExecArray | null
    if ((match = /^\/feeds\/conditions\/([^/]+)$/.exec(pathname))) return conditionFeeds.GET(request, { params: Promise.resolve({ file: match[1]! }) })
    if ((match = /^\/feeds\/([^/]+)$/.exec(pathname))) return articleFeeds.GET(request, { params: Promise.resolve({ file: match[1]! }) })
    if (pathname === '/sitemap.xml') return sitemap.GET()
    // next.config.mjs rewrites /sitemap-<n>.xml to /sitemaps/<n>.
    if ((match = /^\/sitemap-(\d{1,7})\.xml$/.exec(pathname))) return sitemapPages.GET(request, { params: Promise.resolve({ page: match[1]! }) })
    const slug = pathname.replace(/^\/api\//, '').split('/').map(decodeURIComponent)
    return rest.GET(request, { params: Promise.resolve({ slug }) })
  }
  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const response = await answer(req)
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  }
  const servers: http.Server[] = []
  const inner = http.createServer(handler)
  await new Promise<void>((resolve) => inner.listen(socketPath, resolve))
  servers.push(inner)
  const front = http.createServer((req, res) => cache.handle(req, res, (passed, response) => void handler(passed, response)))
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve))
  servers.push(front)
  const url = `http://127.0.0.1:${(front.address() as net.AddressInfo).port}`
  while (!cache.isFresh()) await new Promise((resolve) => setTimeout(resolve, 20))
  return {
    ctx,
    cache,
    url,
    upstream,
    get: async (pathAndQuery, headers = {}) => {
      // Hits are served only while the revision was read recently (see content-cache/setup.ts).
      while (!cache.isFresh()) await new Promise((resolve) => setTimeout(resolve, 10))
      const response = await fetch(`${url}${pathAndQuery}`, { headers })
      return { status: response.status, headers: response.headers, text: await response.text() }
    },
    stop: async () => {
      for (const server of servers) {
        server.closeAllConnections()
        await new Promise((resolve) => server.close(resolve))
      }
      cache.stopWatching?.()
      await stopTestPayload(ctx)
      fs.rmSync(socketDir, { recursive: true, force: true })
    },
  }
}
