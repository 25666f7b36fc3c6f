/** The response cache's knobs, from the environment (documented in README "Caching"). */
export type ContentCacheConfig = {
  enabled: boolean
  pollIntervalMs: number
  /** A cache hit needs a revision read that began at most this long ago (the 250 ms promise, less a margin). */
  maxStalenessMs: number
  maxBytes: number
  maxEntryBytes: number
  maxKeyBytes: number
  /** Largest GraphQL POST body the cache reads to build a key; larger ones go straight through. */
  maxRequestBodyBytes: number
  sMaxAgeSeconds: number
  staleWhileRevalidateSeconds: number
  /** How long a fill waits for Payload's answer before the reader gets a 502 (requests passed through have no limit here). */
  upstreamTimeoutMs: number
}

export class ContentCacheConfigError extends Error {}

const integer = (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ContentCacheConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}").`)
  }
  return value
}

export const contentCacheConfig = (env: NodeJS.ProcessEnv = process.env): ContentCacheConfig => {
  const enabled = !['0', 'false', 'off', 'no'].includes(env.CONTENT_CACHE?.trim().toLowerCase() ?? '')
  return {
    enabled,
    // At most 150 ms: a hit needs a revision read newer than 200 ms, so slower polling would
    // mostly turn hits into misses.
    pollIntervalMs: integer(env, 'CONTENT_CACHE_POLL_MS', 50, 5, 150),
    maxStalenessMs: 200,
    maxBytes: integer(env, 'CONTENT_CACHE_MAX_BYTES', 64 * 1024 * 1024, 64 * 1024),
    maxEntryBytes: integer(env, 'CONTENT_CACHE_MAX_ENTRY_BYTES', 2 * 1024 * 1024, 1024),
    maxKeyBytes: 8 * 1024,
    maxRequestBodyBytes: 8 * 1024,
    sMaxAgeSeconds: integer(env, 'CONTENT_CACHE_S_MAXAGE', 10, 0),
    staleWhileRevalidateSeconds: integer(env, 'CONTENT_CACHE_SWR', 30, 0),
    upstreamTimeoutMs: 60_000,
  }
}
