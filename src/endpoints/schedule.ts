import { docAccessOperation, type Endpoint, type PayloadHandler, type PayloadRequest, type Where } from 'payload'

import { SCHEDULE_TASK, SCHEDULABLE_COLLECTIONS, isSchedulableCollection } from '../../jobs/scheduling/config'
import { parseScheduleTime } from '../utilities/parseScheduleTime'

/**
 * `POST|GET /api/{collection}/{id}/schedule`, `DELETE /api/{collection}/{id}/schedule/{jobId}`.
 * The same jobs the admin's "Schedule" drawer creates, so both views agree.
 */

const json = (body: unknown, status = 200) => Response.json(body, { status })
const problem = (status: number, message: string) => json({ errors: [{ message }] }, status)

type Target = { collection: (typeof SCHEDULABLE_COLLECTIONS)[number]; id: string }

/** Who may schedule is who may publish: update rights on that document. */
const resolveTarget = async (req: PayloadRequest): Promise<Target | Response> => {
  const collection = req.routeParams?.collection as string | undefined
  const id = req.routeParams?.id as string | undefined
  if (!collection || !isSchedulableCollection(collection)) {
    return problem(400, `"${collection}" cannot be scheduled. Schedulable collections: ${SCHEDULABLE_COLLECTIONS.join(', ')}.`)
  }
  if (!req.user) return problem(401, 'Log in (or send an API key) to see or change schedules.')
  const existing = id ? await req.payload.count({ collection, where: { id: { equals: id } }, overrideAccess: true, req }) : null
  if (!id || !existing?.totalDocs) return problem(404, `No ${collection} document with id ${id}.`)
  const permissions = await docAccessOperation({
    collection: req.payload.collections[collection],
    data: { _status: 'published' },
    id,
    req,
  })
  if (!permissions.update) return problem(403, `You are not allowed to publish this ${collection} document.`)
  return { collection, id }
}

const serialise = (job: any) => ({
  id: job.id,
  action: job.input?.type === 'unpublish' ? 'unpublish' : 'publish',
  collection: job.input?.doc?.relationTo,
  document: job.input?.doc?.value,
  at: job.scheduledFor ?? job.waitUntil,
  state: job.state ?? 'queued',
  attempts: job.totalTried ?? 0,
  lastError: job.lastError ?? null,
  appliedAt: job.appliedAt ?? null,
})

const pendingFor = (target: Target): Where[] => [
    { taskSlug: { equals: SCHEDULE_TASK } },
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
  const clinic = await req.payload.findGlobal({ slug: 'clinic', depth: 0, req, overrideAccess: true })
  const timeZone = clinic?.timezone || 'America/Chicago'
  const parsed = parseScheduleTime(body?.at, timeZone)
  if (!parsed.ok) return problem(400, parsed.message)
  if (parsed.date.getTime() <= Date.now()) {
    return problem(400, `${parsed.date.toISOString()} is in the past: pick a time in the future.`)
  }
  const job = await req.payload.jobs.queue({
    task: SCHEDULE_TASK,
    input: {
      type: action,
      doc: { relationTo: target.collection, value: target.id },
      user: { relationTo: 'users', value: req.user!.id },
      timezone: timeZone,
    } as never,
    waitUntil: parsed.date,
    req,
  })
  return json({ doc: serialise(job), message: `${action === 'publish' ? 'Publish' : 'Unpublish'} scheduled for ${parsed.date.toISOString()}.` }, 201)
}

const listSchedule: PayloadHandler = async (req) => {
  const target = await resolveTarget(req)
  if (target instanceof Response) return target
  const { docs } = await req.payload.find({
    collection: 'payload-jobs',
    where: { and: pendingFor(target) },
    sort: 'waitUntil',
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
    collection: 'payload-jobs',
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
