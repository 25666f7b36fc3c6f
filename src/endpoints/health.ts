import type { Endpoint, PayloadHandler } from 'payload'

import { findWorkerPresence } from '../../jobs/heartbeat/store'
import { checkHealth } from '../health/checks'
import { workerPausedSentence, WORKER_NOTICE_ACTION } from '../health/workerNotice'
import { loadMonitoringConfig } from '../monitoring/config'
import { refuseUnlessStaff } from './responses'

/**
 * For load balancers and uptime monitors (README "Monitoring"). Anonymous, never cached
 * (`no-store`, and outside the response cache's rules), no personal data.
 *
 * - `GET /api/health`: `200` `{ status: "ok" | "degraded", checks }`, `503` with
 *   `status: "down"` when the database cannot be read.
 * - `GET /api/health/live`: `200` while the process serves requests (no database read):
 *   the liveness probe; restart on its failure, not on /api/health's.
 * - `GET /api/health/workers` (staff): what the admin's notices show, for client components
 *   (`useWorkerPresence`): `{ alive, count, lastSeenAt, timeZone, message }`.
 */
const NO_STORE = { 'Cache-Control': 'no-store', 'Content-Type': 'application/json' }

const health: PayloadHandler = async (req) => {
  const started = performance.now()
  const { report, error } = await checkHealth(req.payload)
  if (error) req.payload.logger.error({ event: 'health.database-down', err: error })
  // How long the checks' reads took, apart from the HTTP and framework time around them.
  const timing = `checks;dur=${(performance.now() - started).toFixed(1)}`
  return new Response(JSON.stringify(report), { status: report.status === 'down' ? 503 : 200, headers: { ...NO_STORE, 'Server-Timing': timing } })
}

const live: PayloadHandler = () => new Response(JSON.stringify({ status: 'ok' }), { status: 200, headers: NO_STORE })

const workers: PayloadHandler = async (req) => {
  const refused = refuseUnlessStaff(req, { loggedOut: 'Log in to see the workers.', headers: NO_STORE })
  if (refused) return refused
  const presence = await findWorkerPresence(req.payload, loadMonitoringConfig().staleMs)
  const clinic = await req.payload.findGlobal({ slug: 'clinic', depth: 0, overrideAccess: true })
  const timeZone = clinic?.timezone || 'America/Chicago'
  const alive = presence.alive.length > 0
  const body = {
    alive,
    count: presence.alive.length,
    lastSeenAt: presence.lastSeenAt,
    timeZone,
    message: alive ? null : `${workerPausedSentence(presence.lastSeenAt, timeZone)} ${WORKER_NOTICE_ACTION}`,
  }
  return new Response(JSON.stringify(body), { status: 200, headers: NO_STORE })
}

export const healthEndpoints: Endpoint[] = [
  { path: '/health', method: 'get', handler: health },
  { path: '/health/live', method: 'get', handler: live },
  { path: '/health/workers', method: 'get', handler: workers },
]
