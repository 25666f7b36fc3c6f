/**
 * The production server (`npm start`): Next (admin, REST, GraphQL, email pages) behind a
 * plain node:http server that answers anonymous reads of published content from memory
 * (src/cache, README "Caching"). Payload documents running Next behind a custom server;
 * this is the smallest one that lets cache hits skip Next's router entirely.
 *
 * Process shape (SECURITY-server.md): the process `npm start` runs is a supervisor
 * (node:cluster primary, src/server/supervisor.ts) that runs WEB_CONCURRENCY server
 * processes on the one port and restarts any that dies. Each server process has two
 * listeners: the public one on HOSTNAME:PORT (shared through the primary), and its own
 * internal unix socket that skips the cache (API reads to Payload's route handlers, the rest to
 * Next: src/server/apiRoutes.ts), which the cache uses to fetch misses
 * (nothing outside this process can reach it, so no header can be forged to skip or poison
 * the cache).
 *
 * Compiled to dist/server.mjs by `npm run build`; `npm run dev` keeps plain `next dev`.
 */
import cluster from 'node:cluster'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

import { installContentCacheBridge } from './src/cache/bridge'
import { ContentCache, httpTransport } from './src/cache/contentCache'
import { registerContentCacheMetrics } from './src/metrics/cacheMetrics'
import { answerClusterMetricsRequests, useClusterMetrics } from './src/metrics/cluster'
import { observeHttpRequest } from './src/metrics/httpMetrics'
import { mirrorCounter } from './src/metrics/registry'
import { installSearchMirror } from './src/search/bridge'
import { SearchWorkerPool } from './src/search/workerPool'
import { answerApiInProcess, apiRouteCounters, nextRoutingFromBuild } from './src/server/apiRoutes'
import { bodyLimitFor, holdBodyWithinLimit, refuseRequest } from './src/server/bodyLimits'
import { exitOnUnhandledErrors } from './src/server/crashLogging'
import { ignoredHostnameNote } from './src/server/listenAddress'
import { answerSearchInProcess } from './src/server/searchRoute'
import { sendSecurityHeaders } from './src/server/securityHeaders'
import { serverSettings, ServerSettingsError, type ServerSettings } from './src/server/settings'
import { EXIT_CONFIGURATION_ERROR, isStandby, reportReady, standBy, superviseServerProcesses } from './src/server/supervisor'
import { stampClientAddress } from './src/security/clientIp'
import { getAllowedOrigins } from './src/utilities/allowedOrigins'
import { drainAll } from './src/utilities/drainBeforeExit'

;(process.env as Record<string, string>).NODE_ENV = 'production'
if (fs.existsSync('.env')) process.loadEnvFile('.env')

// dist/server.mjs or ./server.ts: the project root is where package.json is.
const findRoot = (start: string) => {
  let dir = start
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir)
  return dir
}

let settings: ServerSettings
try {
  settings = serverSettings()
} catch (error) {
  if (error instanceof ServerSettingsError) {
    console.error(error.message)
    process.exit(cluster.isPrimary ? 1 : EXIT_CONFIGURATION_ERROR)
  }
  throw error
}

// As before supervision, printed once all server processes listen.
const readyLine = `> Ready on http://${settings.hostname ?? 'localhost'}:${settings.port} (content cache ${
  settings.cache.enabled ? `on, ${settings.cache.maxBytes} bytes` : 'off'
})`

/** One server process: Next, the cache, the public and internal listeners. */
const runServerProcess = async () => {
  exitOnUnhandledErrors('server process')
  // Until the listeners exist there is nothing to finish: a stop while starting exits at once.
  let stop = (_signal: string): void => process.exit(0)
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  const { port, hostname, cache: config } = settings
  const dir = findRoot(path.dirname(fileURLToPath(import.meta.url)))

  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-next-'))
  const socketPath = path.join(socketDir, 'next.sock')
  const allowedOrigins = getAllowedOrigins()
  const cache = new ContentCache(config, { transport: httpTransport({ socketPath }), allowedOrigins })
  // Before Next loads Payload: its onInit finds the bridge and starts watching the revision.
  if (config.enabled) installContentCacheBridge(cache)
  // The search threads, fed by Payload's search index once it is built (src/search/bridge.ts).
  const searchPool =
    settings.searchWorkers > 0
      ? new SearchWorkerPool(() => new Worker(new URL('./searchWorker.mjs', import.meta.url)), settings.searchWorkers, (message) => console.error(message))
      : undefined
  installSearchMirror(searchPool)
  // GET /api/metrics answers with the sum over every server process (src/metrics/cluster.ts).
  useClusterMetrics()
  registerContentCacheMetrics(cache)

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

  // API reads go to Payload's route handlers without Next's router (src/server/apiRoutes.ts), once Next has loaded them.
  const { routing, reason } = settings.apiViaNext ? {} : nextRoutingFromBuild(dir, { hostname: hostname ?? 'localhost', port })
  if (reason) console.warn(`API requests go through Next's router: ${reason}.`)
  mirrorCounter('clinic_api_direct_total', "API requests answered by Payload's route handlers without Next's router (src/server/apiRoutes.ts).", () => apiRouteCounters.direct)
  const apiOrNext = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!routing || !answerApiInProcess(req, res, routing)) nextHandler(req, res)
  }
  // What the cache does not answer: a search from this process's index (src/server/searchRoute.ts), the rest as above.
  const allowedOriginSet = new Set(allowedOrigins)
  const inProcessOrNext = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!answerSearchInProcess(req, res, { pool: searchPool, allowedOrigins: allowedOriginSet, next: () => apiOrNext(req, res) })) apiOrNext(req, res)
  }

  // Cache fills: the same way, minus the search route.
  const internal = http.createServer(apiOrNext)
  // exclusive: this process's own socket, not one shared through the cluster primary.
  await new Promise<void>((resolve) => internal.listen({ path: socketPath, exclusive: true }, resolve))

  /**
   * Every public request passes here first, before the cache or Next see it: the one place
   * where an incoming request is checked and prepared.
   */
  const handlePublicRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    // First, so that every answer carries them: cache hits, 304s, refusals, Next's pages.
    sendSecurityHeaders(res, settings.securityHeaders)
    // Requests by route family and status, counted when the response ends (src/metrics).
    observeHttpRequest(req, res)
    // The client address (socket peer, or TRUST_PROXY hops into X-Forwarded-For) goes to the
    // route handlers in a header signed with this process's key; a client's own copy is dropped.
    stampClientAddress(req)
    const url = req.url ?? '/'
    if (Buffer.byteLength(url) > settings.maxUrlBytes) {
      return refuseRequest(res, 414, `The URL is too long: at most ${settings.maxUrlBytes} bytes of path and query are accepted.`)
    }
    holdBodyWithinLimit(req, res, bodyLimitFor(url, settings.bodyLimits), () => cache.handle(req, res, inProcessOrNext))
  }

  const server = http.createServer(
    {
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      // How often Node checks those two timeouts (its default, 30 s, would let them slip by that much).
      connectionsCheckingInterval: Math.min(5_000, settings.headersTimeoutMs),
    },
    handlePublicRequest,
  )
  // A client that waits for "100 Continue" before sending its body hears the 413 instead
  // when the length it declares is over the limit, and sends nothing.
  server.on('checkContinue', (req, res) => {
    const { limit } = bodyLimitFor(req.url ?? '/', settings.bodyLimits)
    if (Number(req.headers['content-length'] ?? 0) <= limit) res.writeContinue()
    handlePublicRequest(req, res)
  })
  // Behind a load balancer, idle keep-alive connections must outlive the balancer's.
  server.keepAliveTimeout = 65_000
  server.once('error', (error) => {
    console.error(`Cannot listen on ${hostname ?? '*'}:${port}: ${error.message}`)
    process.exit(EXIT_CONFIGURATION_ERROR)
  })

  let stopping = false
  stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`server process ${process.pid}: ${signal}: stopping`)
    server.close()
    internal.close()
    server.closeIdleConnections()
    fs.rmSync(socketDir, { recursive: true, force: true })
    // In-flight requests get a moment to finish; then work already answered (queued
    // signups) is written before the process goes.
    let finishing = false
    const finish = async () => {
      if (finishing) return
      finishing = true
      const unfinished = await drainAll(3000)
      if (unfinished.length) console.error(`server process ${process.pid}: stopped before finishing: ${unfinished.join(', ')}`)
      process.exit(0)
    }
    const inFlightGrace = setTimeout(() => void finish(), 2000)
    inFlightGrace.unref()
    server.once('close', () => {
      clearTimeout(inFlightGrace)
      void finish()
    })
  }

  // Payload starts with the first request (migrations, then the revision watcher): make
  // that happen now rather than on a reader's request.
  const warmedUp = new Promise<void>((resolve) => {
    http
      .get({ socketPath, path: '/api/globals/clinic?depth=0', headers: { host: `localhost:${port}` } }, (response) => {
        response.resume()
        response.once('end', resolve)
      })
      .on('error', () => resolve())
  })
  if (isStandby()) {
    // The spare: fully started, but takes connections only once the supervisor says so.
    await warmedUp
    await standBy()
  }
  await new Promise<void>((resolve) => server.listen(port, hostname, resolve))
  reportReady()
}

if (cluster.isPrimary && settings.ignoredHostname) console.warn(ignoredHostnameNote(settings.ignoredHostname))
if (cluster.isPrimary) {
  answerClusterMetricsRequests()
  superviseServerProcesses({ processes: settings.processes, readyLine })
}
else await runServerProcess()
