import { ValidationError, type CollectionBeforeChangeHook, type Payload } from 'payload'

import { JOBS_COLLECTION, ofTask, plannedFor, type PayloadJobFields } from '../../src/seams/jobsCollection'
import { formatClinicTime, readClinicTimeZone } from '../../src/utilities/clinicTime'
import { SCHEDULABLE_COLLECTIONS, SCHEDULE_TASK, isSchedulableCollection } from './config'
import { loadDocumentTitles, readPublicState, refKey, type DocumentRef, type PublicState } from './documents'

/**
 * A scheduled change must never silently do nothing. The rule, in one place for every way
 * a change is made (the admin's Schedule drawer, the REST endpoint, the Local API) and for
 * the worker that applies it:
 * - unpublishing needs a live document;
 * - publishing needs a document that is not live, or a live one with a newer draft (the
 *   draft is what gets published).
 * At creation the state is the one the document will have at the change's time as far as
 * is known: its state now, then the changes already scheduled before it.
 */

export type ScheduleAction = 'publish' | 'unpublish'

export type NoOpReason = 'not-live' | 'nothing-new'

export const noOpReason = (action: ScheduleAction, state: Pick<PublicState, 'live' | 'newerDraft'>): NoOpReason | null => {
  if (action === 'unpublish') return state.live ? null : 'not-live'
  return state.live && !state.newerDraft ? 'nothing-new' : null
}

type PendingChange = { type: ScheduleAction; at: string }

/** Changes not applied yet (waiting or being applied) for this document, due at or before `at`, oldest first. */
const pendingChangesBefore = async (payload: Payload, ref: DocumentRef, at: Date): Promise<PendingChange[]> => {
  const { docs } = await payload.db.find<PayloadJobFields & { input?: { type?: string }; scheduledFor?: string }>({
    collection: JOBS_COLLECTION,
    where: {
      and: [
        ofTask(SCHEDULE_TASK),
        { 'input.doc.relationTo': { equals: ref.relationTo } },
        { 'input.doc.value': { equals: String(ref.value) } },
        { state: { in: ['queued', 'running'] } },
        { scheduledFor: { less_than_equal: at.toISOString() } },
      ],
    },
    sort: 'scheduledFor',
    limit: 0,
    pagination: false,
  })
  return docs.map((job) => ({ type: job.input?.type === 'unpublish' ? 'unpublish' : 'publish', at: plannedFor(job) ?? '' }))
}

/** The state after the pending changes: a publish leaves it live with nothing newer, an unpublish leaves it offline. */
const projectState = (now: PublicState, pending: PendingChange[]) =>
  pending.reduce<{ live: boolean; newerDraft: boolean; by?: PendingChange }>(
    (_state, change) => ({ live: change.type === 'publish', newerDraft: false, by: change }),
    { live: now.live, newerDraft: now.newerDraft },
  )

const refuse = (message: string): never => {
  throw new ValidationError({ collection: JOBS_COLLECTION, errors: [{ path: 'input', message }] })
}

/** Why this change would do nothing at `at`, in words for the owner; null when it would do something. */
export const describeNoOpAtCreation = async (payload: Payload, ref: DocumentRef, action: ScheduleAction, at: Date) => {
  const state = await readPublicState(payload, ref)
  if (!state) return `There is no ${ref.relationTo} document with id ${ref.value} to schedule.`
  const projected = projectState(state, await pendingChangesBefore(payload, ref, at))
  const reason = noOpReason(action, projected)
  if (!reason) return null
  const [title, timeZone] = await Promise.all([
    loadDocumentTitles(payload, [ref]).then((titles) => titles.get(refKey(ref)) ?? `${ref.relationTo} ${ref.value}`),
    readClinicTimeZone(payload),
  ])
  const when = formatClinicTime(at, timeZone)
  const earlier = projected.by ? formatClinicTime(projected.by.at, timeZone) : null
  if (reason === 'not-live') {
    return earlier
      ? `“${title}” is already set to be unpublished on ${earlier}, so unpublishing it again on ${when} would do nothing.`
      : `“${title}” is not published, so unpublishing it on ${when} would do nothing. To put it online at that time, choose Publish.`
  }
  return earlier
    ? `“${title}” is already set to be published on ${earlier}, so publishing it again on ${when} would do nothing. Schedule another publish after saving the changes it should put online.`
    : `“${title}” is already published and has no unpublished changes, so publishing it on ${when} would do nothing. Save your changes as a draft first, or choose Unpublish to take it offline.`
}

/** The note a change that found nothing to do when it came due keeps, for the owner. */
export const describeNoOpAtApply = async (payload: Payload, reason: NoOpReason, state: PublicState) => {
  if (reason === 'not-live') return 'It was not published at that time (already unpublished, or never published): nothing to do.'
  const since = formatClinicTime(state.liveSince, await readClinicTimeZone(payload))
  return `Already published${since ? ` on ${since}` : ''}, with no newer changes: nothing to do.`
}

/**
 * Refuses, when it is created, a scheduled change that names no schedulable document or
 * would do nothing (a `ValidationError`: 400 from REST, a toast in the drawer).
 * Runs after the past-time check, which sets `scheduledFor`.
 */
export const refuseNoOpSchedule: CollectionBeforeChangeHook = async ({ data, operation, req }) => {
  if (operation !== 'create' || data.taskSlug !== SCHEDULE_TASK) return data
  const ref = data.input?.doc as DocumentRef | undefined
  if (!ref || !isSchedulableCollection(String(ref.relationTo)) || ref.value === undefined || ref.value === null || ref.value === '') {
    refuse(`A scheduled change must name a document of ${SCHEDULABLE_COLLECTIONS.join(', ')}.`)
  }
  const action = data.input?.type
  if (action !== 'publish' && action !== 'unpublish') refuse(`A scheduled change is "publish" or "unpublish", not ${JSON.stringify(action)}.`)
  const message = await describeNoOpAtCreation(req.payload, ref!, action, new Date(data.scheduledFor))
  if (message) refuse(message)
  return data
}
