import type { Endpoint, PayloadHandler, PayloadRequest } from 'payload'

import {
  cancelNewsletter,
  newsletterProgress,
  pauseNewsletter,
  resumeNewsletter,
  retryFailedDeliveries,
  type ControlResult,
} from '../../jobs/newsletters/control'
import { audienceProblem, countAudience } from '../../jobs/newsletters/audience'
import type { Id } from '../../jobs/newsletters/store/shared'
import { parseDocumentId, problem, refuseUnlessStaff } from './responses'

/**
 * `POST /api/newsletters/:id/{pause,resume,cancel,retry-failed}`,
 * `GET /api/newsletters/:id/progress` and `GET /api/newsletters/audience-size`: staff only.
 * The worker does the sending; these only move the newsletter's state (see
 * jobs/newsletters/control.ts) or report on it.
 */

const refuseNonStaff = (req: PayloadRequest, action: string): Response | null =>
  refuseUnlessStaff(req, { loggedOut: `Log in (or send an API key) to ${action}.`, notStaff: `Only staff can ${action}.` })

/** The newsletter id from the route, or a Response explaining why not. */
const authorise = (req: PayloadRequest, action: string): Id | Response => {
  const refused = refuseNonStaff(req, action)
  if (refused) return refused
  const raw = String(req.routeParams?.id ?? '')
  return parseDocumentId(req, raw) ?? problem(404, `No newsletter with id ${JSON.stringify(raw)}.`)
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

const MAX_TOPICS = 200

/**
 * `GET /api/newsletters/audience-size?audience=all|topics&topics=3,4`: how many confirmed
 * subscribers a send with this audience would go to if it started now (the admin asks
 * before "Send now" and "Schedule send", with the form's current, possibly unsaved, audience).
 */
const audienceSize: PayloadHandler = async (req) => {
  const refused = refuseNonStaff(req, 'count a newsletter’s audience')
  if (refused) return refused
  const audience = req.searchParams.get('audience') ?? 'all'
  if (audience !== 'all' && audience !== 'topics') return problem(400, '"audience" must be "all" or "topics".')
  const rawTopics = (req.searchParams.get('topics') ?? '').split(',').filter(Boolean)
  if (rawTopics.length > MAX_TOPICS) return problem(400, `At most ${MAX_TOPICS} topics.`)
  const topics: Id[] = []
  for (const raw of rawTopics) {
    const id = parseDocumentId(req, raw)
    if (id === null) return problem(400, `"topics" must be condition ids separated by commas; ${JSON.stringify(raw.slice(0, 64))} is not one.`)
    topics.push(id)
  }
  const chosen = { audience, audienceTopics: audience === 'topics' ? (topics as number[]) : [] } as const
  const invalid = audienceProblem(chosen)
  if (invalid) return problem(400, invalid.message)
  const recipients = await countAudience(req.payload, chosen)
  return Response.json({ audience, topics, recipients }, { headers: { 'Cache-Control': 'no-store' } })
}

export const newsletterSendingEndpoints: Endpoint[] = [
  // Before Payload's own `GET /:id`, so "audience-size" is never read as an id.
  { path: '/audience-size', method: 'get', handler: audienceSize },
  { path: '/:id/pause', method: 'post', handler: control('pause', (req, id) => pauseNewsletter(req.payload, id)) },
  { path: '/:id/resume', method: 'post', handler: control('resume', (req, id) => resumeNewsletter(req.payload, id)) },
  { path: '/:id/cancel', method: 'post', handler: control('cancel', (req, id) => cancelNewsletter(req.payload, id)) },
  { path: '/:id/retry-failed', method: 'post', handler: control('retry-failed', (req, id) => retryFailedDeliveries(req.payload, id)) },
  { path: '/:id/progress', method: 'get', handler: progress },
]
