import crypto from 'node:crypto'

import { metrics } from './registry'

/**
 * What a scrape returns, and who may scrape. By default this process's own registry; the
 * production server replaces it with the sum over its server processes (src/metrics/cluster.ts),
 * since a scrape lands on whichever process the cluster hands the connection to.
 */
export type Exposition = () => Promise<string>

const KEY = Symbol.for('clinic.metrics.exposition')
type Holder = { [KEY]?: Exposition }

export const setMetricsExposition = (exposition: Exposition) => {
  ;(globalThis as Holder)[KEY] = exposition
}

export const metricsContentType = () => metrics().registry.contentType

export const metricsText = (): Promise<string> => ((globalThis as Holder)[KEY] ?? (() => metrics().registry.metrics()))()

export type TokenCheck = 'ok' | 'missing' | 'wrong'

/** `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time (digests of equal length). */
export const checkBearerToken = (authorization: string | null | undefined, token: string): TokenCheck => {
  const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '')
  if (!match) return 'missing'
  const given = crypto.createHash('sha256').update(match[1].trim()).digest()
  const expected = crypto.createHash('sha256').update(token).digest()
  return crypto.timingSafeEqual(given, expected) ? 'ok' : 'wrong'
}
