import type { Endpoint, PayloadHandler, PayloadRequest } from 'payload'

import {
  cancelNewsletter,
  newsletterProgress,
  pauseNewsletter,
  resumeNewsletter,
  retryFailedDeliveries,
  type ControlResult,
} from '../../jobs/newsletters/control'
import type { Id } from '../../jobs/newsletters/store'
import { hasRole } from '../access/roles'

/**
 * `POST /api/newsletters/:id/{pause,resume,cancel,retry-failed}` and
 * `GET /api/newsletters/:id/progress`: staff only. The worker does the sending; these only
 * move the newsletter's state (see jobs/newsletters/control.ts).
 */

const problem = (status: number, message: string) => Response.json({ errors: [{ message }] }, { status })

/** The newsletter id from the route, or a Response explaining why not. */
const authorise = (req: PayloadRequest, action: string): Id | Response => {
  if (!req.user) return problem(401, `Log in (or send an API key) to ${action}.`)
  if (!hasRole(req.user, 'admin') && !hasRole(req.user, 'editor')) return problem(403, `Only staff can ${action}.`)
  const raw = String(req.routeParams?.id ?? '')
  if (req.payload.db.defaultIDType === 'number') {
    if (!/^\d{1,15}$/.test(raw)) return problem(404, `No newsletter with id ${JSON.stringify(raw)}.`)
    return Number(raw)
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) return problem(404, `No newsletter with id ${JSON.stringify(raw)}.`)
  return raw
}

const control =
  (action: string, run: (req: PayloadRequest, id: Id) => Promise<ControlResult>): PayloadHandler =>
  async (req) => {
    const id = authorise(req, `${action} a newsletter`)
    if (id instanceof Response) return id
    const result = await run(req, id)
    if (!result.ok) return problem(result.status, result.message)
    req.payload.logger.info({ event: `newsletter.${action}`, newsletter: id, user: req.user?.id })
    return Response.json({ message: result.message, doc: { id: result.newsletter.id, status: result.newsletter.status } })
  }

const progress: PayloadHandler = async (req) => {
  const id = authorise(req, 'see a newsletter’s progress')
  if (id instanceof Response) return id
  const result = await newsletterProgress(req.payload, id)
  if (!result) return problem(404, `No newsletter with id ${id}.`)
  return Response.json(result, { headers: { 'Cache-Control': 'no-store' } })
}

export const newsletterSendingEndpoints: Endpoint[] = [
  { path: '/:id/pause', method: 'post', handler: control('pause', (req, id) => pauseNewsletter(req.payload, id)) },
  { path: '/:id/resume', method: 'post', handler: control('resume', (req, id) => resumeNewsletter(req.payload, id)) },
  { path: '/:id/cancel', method: 'post', handler: control('cancel', (req, id) => cancelNewsletter(req.payload, id)) },
  { path: '/:id/retry-failed', method: 'post', handler: control('retry-failed', (req, id) => retryFailedDeliveries(req.payload, id)) },
  { path: '/:id/progress', method: 'get', handler: progress },
]
