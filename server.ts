/**
 * The production server (`npm start`): Next (admin, REST, GraphQL, email pages) behind a
 * plain node:http server that answers anonymous reads of published content from memory
 * (src/cache, README "Caching"). Payload documents running Next behind a custom server;
 * this is the smallest one that lets cache hits skip Next's router entirely.
 *
 * Two listeners: the public one on HOSTNAME:PORT, and an internal unix socket that goes
 * straight to Next, which the cache uses to fetch misses (nothing outside this process can
 * reach it, so no header can be forged to skip or poison the cache).
 *
 * Compiled to dist/server.mjs by `npm run build`; `npm run dev` keeps plain `next dev`.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { installContentCacheBridge } from './src/cache/bridge'
import { ContentCache, httpTransport } from './src/cache/contentCache'
import { contentCacheConfig, ContentCacheConfigError } from './src/cache/config'
import { stampClientAddress } from './src/security/clientIp'
import { getAllowedOrigins } from './src/utilities/allowedOrigins'

;(process.env as Record<string, string>).NODE_ENV = 'production'
if (fs.existsSync('.env')) process.loadEnvFile('.env')

// dist/server.mjs or ./server.ts: the project root is where package.json is.
const findRoot = (start: string) => {
  let dir = start
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir)
  return dir
}
const dir = findRoot(path.dirname(fileURLToPath(import.meta.url)))

const port = Number(process.env.PORT || 3000)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number (got "${process.env.PORT}").`)
  process.exit(1)
}
// Like `next start`: every interface unless HOSTNAME names one.
const hostname = process.env.HOSTNAME?.trim() || undefined

let config
try {
  config = contentCacheConfig()
} catch (error) {
  if (error instanceof ContentCacheConfigError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
}

const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-next-'))
const socketPath = path.join(socketDir, 'next.sock')
const cache = new ContentCache(config, { transport: httpTransport({ socketPath }), allowedOrigins: getAllowedOrigins() })
// Before Next loads Payload: its onInit finds the bridge and starts watching the revision.
if (config.enabled) installContentCacheBridge(cache)

const { default: next } = await import('next')
const app = next({ dev: false, dir, hostname: hostname ?? 'localhost', port })
await app.prepare()
const handleWithNext = app.getRequestHandler()
const nextHandler = (req: http.IncomingMessage, res: http.ServerResponse) => {
  void handleWithNext(req, res).catch((error: unknown) => {
    console.error(error)
    if (!res.headersSent) res.writeHead(500)
    res.end()
  })
}

const internal = http.createServer(nextHandler)
await new Promise<void>((resolve) => internal.listen(socketPath, resolve))

// The client address (socket peer, or TRUST_PROXY hops into X-Forwarded-For) goes to the
// route handlers in a header signed with this process's key; a client's own copy is dropped.
const server = http.createServer((req, res) => {
  stampClientAddress(req)
  cache.handle(req, res, nextHandler)
})
// Behind a load balancer, idle keep-alive connections must outlive the balancer's.
server.keepAliveTimeout = 65_000
server.once('error', (error) => {
  console.error(`Cannot listen on ${hostname ?? '*'}:${port}: ${error.message}`)
  process.exit(1)
})
await new Promise<void>((resolve) => server.listen(port, hostname, resolve))
console.log(
  `> Ready on http://${hostname ?? 'localhost'}:${port} (content cache ${config.enabled ? `on, ${config.maxBytes} bytes` : 'off'})`,
)

// Payload starts with the first request (migrations, then the revision watcher): make
// that happen now rather than on a reader's request.
http
  .get({ socketPath, path: '/api/globals/clinic?depth=0', headers: { host: `localhost:${port}` } }, (response) => response.resume())
  .on('error', () => {})

let stopping = false
const stop = (signal: string) => {
  if (stopping) return
  stopping = true
  console.log(`${signal}: stopping`)
  server.close()
  internal.close()
  server.closeIdleConnections()
  fs.rmSync(socketDir, { recursive: true, force: true })
  // In-flight requests get a moment to finish.
  setTimeout(() => process.exit(0), 2000).unref()
  server.once('close', () => process.exit(0))
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
