import os from 'node:os'

import { numberFromEnv } from '../../jobs/shared/env'
import { contentCacheConfig, ContentCacheConfigError, type ContentCacheConfig } from '../cache/config'
import { bodyLimitsFromEnv, type BodyLimits } from './bodyLimits'
import { listenHostFrom } from './listenAddress'
import { securityHeaders } from './securityHeaders'

/** Everything `npm start` reads from the environment, checked once, in the supervisor and in every server process. */
export type ServerSettings = {
  port: number
  /** Every interface unless HOSTNAME is an address (src/server/listenAddress.ts, shared with `npm run dev`). */
  hostname: string | undefined
  /** A machine name found in HOSTNAME and ignored (the server prints a note once). */
  ignoredHostname: string | undefined
  /** Server processes under the supervisor. */
  processes: number
  /** Search threads per server process (src/search/workerPool.ts); 0: searches are answered by Payload behind Next. */
  searchWorkers: number
  /** API_VIA_NEXT: every API request goes through Next's router, none straight to Payload's handlers (src/server/apiRoutes.ts). */
  apiViaNext: boolean
  cache: ContentCacheConfig
  bodyLimits: BodyLimits
  /** Longer request targets (path + query) are answered 414. */
  maxUrlBytes: number
  /** Slow-loris bounds: all headers within this long, the whole request within requestTimeoutMs. */
  headersTimeoutMs: number
  requestTimeoutMs: number
  securityHeaders: Array<[string, string]>
}

export class ServerSettingsError extends Error {}

export const serverSettings = (env: NodeJS.ProcessEnv = process.env): ServerSettings => {
  const port = Number(env.PORT || 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServerSettingsError(`PORT must be a port number (got "${env.PORT}").`)
  const processes = env.WEB_CONCURRENCY?.trim() ? Number(env.WEB_CONCURRENCY) : 1
  if (!Number.isInteger(processes) || processes < 1 || processes > 64) {
    throw new ServerSettingsError(`WEB_CONCURRENCY must be a whole number from 1 to 64 (got "${env.WEB_CONCURRENCY}").`)
  }
  // Default: each process's share of the cores less one, which its own event loop (cache hits, Payload) keeps; at least one thread, at most four.
  // On two cores one thread gave a lower p99 than two (bench:search: 8.6–9.3 ms against 9.7–9.8 ms), two more throughput.
  const defaultSearchWorkers = Math.max(1, Math.min(4, Math.floor(os.availableParallelism() / processes) - 1))
  const searchWorkers = env.SEARCH_WORKERS?.trim() ? Number(env.SEARCH_WORKERS) : defaultSearchWorkers
  if (!Number.isInteger(searchWorkers) || searchWorkers < 0 || searchWorkers > 16) {
    throw new ServerSettingsError(`SEARCH_WORKERS must be a whole number from 0 to 16 (got "${env.SEARCH_WORKERS}").`)
  }
  const apiViaNext = (env.API_VIA_NEXT?.trim() || 'false').toLowerCase()
  if (apiViaNext !== 'true' && apiViaNext !== 'false') {
    throw new ServerSettingsError(`API_VIA_NEXT must be true or false (got "${env.API_VIA_NEXT}").`)
  }
  let cache: ContentCacheConfig
  try {
    cache = contentCacheConfig(env)
  } catch (error) {
    if (error instanceof ContentCacheConfigError) throw new ServerSettingsError(error.message)
    throw error
  }
  const headersTimeoutMs = numberFromEnv('SERVER_HEADERS_TIMEOUT_MS', 20_000)
  const listen = listenHostFrom(env.HOSTNAME)
  return {
    port,
    hostname: listen.host,
    ignoredHostname: listen.ignored,
    processes,
    searchWorkers,
    apiViaNext: apiViaNext === 'true',
    cache,
    bodyLimits: bodyLimitsFromEnv(),
    maxUrlBytes: numberFromEnv('SERVER_MAX_URL_BYTES', 8 * 1024),
    headersTimeoutMs,
    // Node requires requestTimeout ≥ headersTimeout.
    requestTimeoutMs: Math.max(headersTimeoutMs, numberFromEnv('SERVER_REQUEST_TIMEOUT_MS', 120_000)),
    securityHeaders: securityHeaders({ serverUrl: env.SERVER_URL, hstsMaxAge: env.HSTS_MAX_AGE }),
  }
}
