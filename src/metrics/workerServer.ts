import http from 'node:http'

import type { Payload } from 'payload'

import type { MonitoringConfig } from '../monitoring/config'
import { checkBearerToken, metricsContentType, metricsText } from './exposition'

/**
 * The worker's metrics: `GET /metrics` on WORKER_METRICS_HOST:WORKER_METRICS_PORT (default
 * host 127.0.0.1), with the same bearer token as the app's /api/metrics. Without
 * METRICS_TOKEN it does not listen (metrics are off, as for the app). A port that is taken
 * is logged and the worker goes on without metrics: observability must not stop publishing.
 */
export const startWorkerMetricsServer = async (payload: Payload, config: MonitoringConfig): Promise<http.Server | null> => {
  const { workerMetricsPort: port, workerMetricsHost: host, metricsToken: token } = config
  if (port === null) return null
  if (!token) {
    payload.logger.warn({ event: 'worker.metrics-off', reason: 'WORKER_METRICS_PORT is set but METRICS_TOKEN is not: no metrics listener.' })
    return null
  }
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method !== 'GET' || path !== '/metrics') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: GET /metrics\n')
    const check = checkBearerToken(req.headers.authorization, token)
    if (check !== 'ok') {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' })
      return void res.end(check === 'missing' ? 'Send Authorization: Bearer <METRICS_TOKEN>.\n' : 'Wrong metrics token.\n')
    }
    metricsText().then(
      (text) => res.writeHead(200, { 'content-type': metricsContentType(), 'cache-control': 'no-store' }).end(text),
      (error: unknown) => {
        payload.logger.error({ event: 'worker.metrics-failed', err: error })
        res.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics could not be collected.\n')
      },
    )
  })
  return new Promise((resolve) => {
    server.once('error', (error) => {
      payload.logger.error({ event: 'worker.metrics-listen-failed', host, port, err: error })
      resolve(null)
    })
    server.listen(port, host, () => {
      const address = server.address()
      payload.logger.info({ event: 'worker.metrics-listening', host, port: typeof address === 'object' && address ? address.port : port })
      resolve(server)
    })
  })
}
