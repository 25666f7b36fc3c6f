import type { Endpoint, PayloadHandler } from 'payload'

import { checkBearerToken, metricsContentType, metricsText } from '../metrics/exposition'
import { loadMonitoringConfig } from '../monitoring/config'
import { problem } from './responses'

/**
 * `GET /api/metrics`: Prometheus text format, `Authorization: Bearer <METRICS_TOKEN>`.
 * Without METRICS_TOKEN the route does not exist (404); a missing or wrong token is 401.
 * Under `npm start` the numbers are the sum over its server processes (src/metrics/cluster.ts).
 */
/** Refusals are never cached either. */
const refuse = (status: number, message: string, headers: Record<string, string> = {}) => problem(status, message, { 'Cache-Control': 'no-store', ...headers })

const scrape: PayloadHandler = async (req) => {
  const token = loadMonitoringConfig().metricsToken
  if (!token) return refuse(404, 'Not Found')
  const check = checkBearerToken(req.headers.get('authorization'), token)
  if (check !== 'ok') {
    return refuse(401, check === 'missing' ? 'Send Authorization: Bearer <METRICS_TOKEN>.' : 'Wrong metrics token.', {
      'WWW-Authenticate': 'Bearer realm="metrics"',
    })
  }
  try {
    return new Response(await metricsText(), { status: 200, headers: { 'Content-Type': metricsContentType(), 'Cache-Control': 'no-store' } })
  } catch (error) {
    req.payload.logger.error({ event: 'metrics.failed', err: error })
    return refuse(503, 'The metrics could not be collected from every server process; try again.')
  }
}

export const metricsEndpoints: Endpoint[] = [{ path: '/metrics', method: 'get', handler: scrape }]
