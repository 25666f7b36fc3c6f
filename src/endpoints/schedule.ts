import type { Endpoint, PayloadHandler, PayloadRequest, Where } from 'payload'

import { SCHEDULE_TASK, SCHEDULABLE_COLLECTIONS } from '../../jobs/scheduling/config'
import { checkTarget, isRefusal, queueChange, type Target } from '../../jobs/scheduling/scheduleChange'
import { readClinicTimeZone } from '../utilities/clinicTime'
import { attemptsOf, JOBS_COLLECTION, NEXT_RUN_FIELD, ofTask, plannedFor } from '../seams/jobsCollection'
import { parseScheduleTime } from '../utilities/parseScheduleTime'
import { json, problem } from './responses'

/**
 * `POST|GET /api/{collection}/{id}/schedule`, `DELETE /api/{collection}/{id}/schedule/{jobId}`.
 * The same jobs the admin's "Schedule" drawer creates, so both views agree.
 */


const resolveTarget = async (req: PayloadRequest): Promise<Target | Response> => {
  const target = await checkTarget(req, req.routeParams?.collection as string | undefined, req.routeParams?.id as string | undefined)
  return isRefusal(target) ? problem(target.status, target.message) : target
}

const serialise = (job: any) => ({
  id: job.id,
  action: job.input?.type === 'unpublish' ? 'unpublish' : 'publish',
  collection: job.input?.doc?.relationTo,
  document: job.input?.doc?.value,
  at: plannedFor(job),
  state: job.state ?? 'queued',
  attempts: attemptsOf(job) ?? 0,
  lastError: job.lastError ?? null,
  appliedAt: job.appliedAt ?? null,
  note: job.note ?? null,
})

const pendingFor = (target: Target): Where[] => [
    ofTask(SCHEDULE_TASK),
    { 'input.doc.relationTo': { equals: target.collection } },
    { 'input.doc.value': { equals: String(target.id) } },
    { state: { in: ['queued', 'running'] } },
]

const createSchedule: PayloadHandler = async (req) => {
  const target = await resolveTarget(req)
  if (target instanceof Response) return target
  let body: any
  try {
    body = await req.json?.()
  } catch {
    return problem(400, 'The body must be JSON: { "action": "publish" | "unpublish", "at": "<ISO-8601 time>" }.')
  }
  const action = body?.action
  if (action !== 'publish' && action !== 'unpublish') {
    return problem(400, `"action" must be "publish" or "unpublish", not ${JSON.stringify(action)}.`)
  }
  const timeZone = await readClinicTimeZone(req.payload)
  const parsed = parseScheduleTime(body?.at, timeZone)
  if (!parsed.ok) return problem(400, parsed.message)
  // The past and changes that would do nothing are refused by the jobs collection's hooks.
  const job = await queueChange(req, target, { action, at: parsed.date, timezone: timeZone })
  if (isRefusal(job)) return problem(job.status, job.message)
  return json({ doc: serialise(job), message: `${action === 'publish' ? 'Publish' : 'Unpublish'} scheduled for ${parsed.date.toISOString()}.` }, 201)
}

const listSchedule: PayloadHandler = async (req) => {
  const target = await resolveTarget(req)
  if (target instanceof Response) return target
  const { docs } = await req.payload.find({
    collection: JOBS_COLLECTION,
    where: { and: pendingFor(target) },
    sort: NEXT_RUN_FIELD,
    limit: 100,
    pagination: false,
    overrideAccess: true,
    depth: 0,
  })
  return json({ docs: docs.map(serialise) })
}

const cancelSchedule: PayloadHandler = async (req) => {
  const target = await resolveTarget(req)
  if (target instanceof Response) return target
  const jobId = req.routeParams?.jobId as string
  const { docs } = await req.payload.delete({
    collection: JOBS_COLLECTION,
    where: { and: [...pendingFor(target), { state: { equals: 'queued' } }, { id: { equals: jobId } }] },
    overrideAccess: true,
    req,
  })
  if (!docs.length) return problem(404, `No pending scheduled change ${jobId} for this document (it may have run already).`)
  return json({ doc: serialise(docs[0]), message: 'Scheduled change cancelled.' })
}

export const scheduleEndpoints: Endpoint[] = [
  { path: '/:id/schedule', method: 'post', handler: createSchedule },
  { path: '/:id/schedule', method: 'get', handler: listSchedule },
  { path: '/:id/schedule/:jobId', method: 'delete', handler: cancelSchedule },
]

/**
 * Registered at the root: Payload routes `/api/{slug}/…` to a collection's own endpoints
 * when the slug exists, so these only ever see slugs that are not collections.
 */
export const unknownCollectionScheduleEndpoints: Endpoint[] = (
  [
    ['post', '/:collection/:id/schedule'],
    ['get', '/:collection/:id/schedule'],
    ['delete', '/:collection/:id/schedule/:jobId'],
  ] as const
).map(([method, path]) => ({
  path,
  method,
  handler: (req: PayloadRequest) =>
    problem(400, `"${req.routeParams?.collection}" cannot be scheduled. Schedulable collections: ${SCHEDULABLE_COLLECTIONS.join(', ')}.`),
}))
