import { docAccessOperation, ValidationError, type PayloadRequest } from 'payload'

import { SCHEDULABLE_COLLECTIONS, SCHEDULE_TASK, isSchedulableCollection, type SchedulableCollection } from './config'
import type { ScheduleAction } from './noOpChanges'

/**
 * Scheduling a change, the same way for the REST endpoint (src/endpoints/schedule.ts) and
 * the admin's Schedule drawer (src/components/admin/scheduling/schedulePublishServerFunction.ts):
 * who may, which document, then one job. The rules on the job itself (a future time, never
 * a change that would do nothing) are the jobs collection's hooks, so every way of
 * creating one meets them.
 */

export type Refusal = { status: 400 | 401 | 403 | 404; message: string }
export type Target = { collection: SchedulableCollection; id: string }

export const isRefusal = (value: unknown): value is Refusal =>
  typeof value === 'object' && value !== null && 'status' in value && 'message' in value

const unschedulable = (collection: string | undefined): Refusal => ({
  status: 400,
  message: `"${collection}" cannot be scheduled. Schedulable collections: ${SCHEDULABLE_COLLECTIONS.join(', ')}.`,
})

/** Who may schedule is who may publish: update rights on that document. */
export const checkTarget = async (req: PayloadRequest, collection: string | undefined, id: string | undefined): Promise<Target | Refusal> => {
  if (!collection || !isSchedulableCollection(collection)) return unschedulable(collection)
  if (!req.user) return { status: 401, message: 'Log in (or send an API key) to see or change schedules.' }
  const existing = id ? await req.payload.count({ collection, where: { id: { equals: id } }, overrideAccess: true, req }) : null
  if (!id || !existing?.totalDocs) return { status: 404, message: `No ${collection} document with id ${id}.` }
  const permissions = await docAccessOperation({
    collection: req.payload.collections[collection],
    data: { _status: 'published' },
    id,
    req,
  })
  if (!permissions.update) return { status: 403, message: `You are not allowed to publish this ${collection} document.` }
  return { collection, id }
}

type FieldErrors = { message: string; data: { errors: Array<{ message?: string }> } }

/**
 * A refusal by a hook: Payload's `ValidationError`. Recognised by its shape too: in the
 * production build the error thrown through Payload is not `instanceof` the class imported
 * here (the drawer then showed only "The following field is invalid: input").
 */
const isFieldRefusal = (error: unknown): error is FieldErrors =>
  error instanceof ValidationError ||
  (typeof error === 'object' && error !== null && (error as { status?: number }).status === 400 && Array.isArray((error as FieldErrors).data?.errors))

/** The owner-facing messages of a refused job (the hooks' field errors), in one sentence or more. */
const refusalMessage = (error: FieldErrors) => {
  const messages = error.data.errors.map((field) => field.message).filter(Boolean)
  return messages.length ? messages.join(' ') : error.message
}

/**
 * Queues the change for `target` at `at`. `timezone` is the zone it was chosen in (the
 * drawer shows upcoming changes in it). Refused changes come back as a 400 `Refusal`.
 */
export const queueChange = async (
  req: PayloadRequest,
  target: Target,
  change: { action: ScheduleAction; at: Date; timezone: string; locale?: string },
) => {
  try {
    return await req.payload.jobs.queue({
      task: SCHEDULE_TASK,
      input: {
        type: change.action,
        doc: { relationTo: target.collection, value: String(target.id) },
        ...(change.locale ? { locale: change.locale } : {}),
        user: req.user ? { relationTo: req.user.collection, value: req.user.id } : undefined,
        timezone: change.timezone,
      } as never,
      waitUntil: change.at,
      req,
    })
  } catch (error) {
    if (isFieldRefusal(error)) return { status: 400, message: refusalMessage(error) } satisfies Refusal
    throw error
  }
}
