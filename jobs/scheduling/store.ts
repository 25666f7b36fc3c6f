import type { Payload, Where } from 'payload'

import { claimOne } from '../../src/seams/database'
import { dueBy, jobFieldsWhen, JOBS_COLLECTION, NEXT_RUN_FIELD, ofTask, plannedFor } from '../../src/seams/jobsCollection'
import { SCHEDULE_TASK } from './config'
import type { ScheduleState } from './jobsCollection'

export type ScheduledChange = {
  id: number | string
  waitUntil: string
  scheduledFor?: string | null
  state?: ScheduleState | null
  leaseOwner?: string | null
  leaseExpiresAt?: string | null
  totalTried?: number | null
  input?: {
    type?: 'publish' | 'unpublish'
    doc?: { relationTo: string; value: number | string }
    user?: { relationTo: string; value: number | string }
    timezone?: string
  }
}

const JOBS = JOBS_COLLECTION
const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Every read and write of the pipeline's state, in one file. Claims and completions are
 * single conditional updates (`UPDATE … WHERE … RETURNING` on SQLite, `findOneAndUpdate`
 * on MongoDB) through src/seams/database.ts, so two workers can never both win. Payload's
 * own job fields are written through src/seams/jobsCollection.ts.
 */

/** Changes that are due before `untilMs`, and claims whose owner may have died. One indexed query. */
export const findUpcomingChanges = async (payload: Payload, untilMs: number, limit: number): Promise<ScheduledChange[]> => {
  const { docs } = await payload.db.find({
    collection: JOBS,
    where: {
      and: [
        ofTask(SCHEDULE_TASK),
        { state: { in: ['queued', 'running'] } },
        dueBy(iso(untilMs)),
      ],
    },
    sort: NEXT_RUN_FIELD,
    limit,
    pagination: false,
  })
  return docs as unknown as ScheduledChange[]
}

/** Takes a due change for `workerId`, if nobody holds it (or its holder's lease ran out). */
export const claimChange = async (
  payload: Payload,
  id: ScheduledChange['id'],
  workerId: string,
  leaseMs: number,
): Promise<ScheduledChange | null> => {
  const now = Date.now()
  const claimable: Where = {
    and: [
      dueBy(iso(now)),
      {
        or: [
          { state: { equals: 'queued' } },
          { and: [{ state: { equals: 'running' } }, { leaseExpiresAt: { less_than: iso(now) } }] },
        ],
      },
    ],
  }
  return claimOne<ScheduledChange>(payload, {
    collection: JOBS,
    id,
    when: claimable,
    data: { state: 'running', ...jobFieldsWhen.claimed(), leaseOwner: workerId, leaseExpiresAt: iso(now + leaseMs) },
  })
}

const heldBy = (workerId: string): Where => ({ and: [{ leaseOwner: { equals: workerId } }, { state: { equals: 'running' } }] })

/** Extends the claim if `workerId` still holds it; false when another worker took over. */
export const renewLease = async (payload: Payload, change: ScheduledChange, workerId: string, leaseMs: number) => {
  const renewed = await claimOne(payload, {
    collection: JOBS,
    id: change.id,
    when: heldBy(workerId),
    data: { leaseExpiresAt: iso(Date.now() + leaseMs) },
  })
  return Boolean(renewed)
}

/** Marks the change done, only if `workerId` still holds it; `note` when it found nothing to do. */
export const completeChange = async (
  payload: Payload,
  change: ScheduledChange,
  workerId: string,
  appliedAt: number,
  note: string | null = null,
): Promise<boolean> => {
  const scheduledFor = Date.parse(plannedFor(change) ?? '')
  const done = await claimOne(payload, {
    collection: JOBS,
    id: change.id,
    when: heldBy(workerId),
    data: {
      state: 'done',
      ...jobFieldsWhen.done(iso(appliedAt)),
      appliedAt: iso(appliedAt),
      latenessMs: appliedAt - scheduledFor,
      leaseExpiresAt: null,
      lastError: null,
      note,
    },
  })
  return Boolean(done)
}

/** Records a failed attempt: back to `queued` at `retryAt`, or `failed` for good. */
export const recordFailure = async (
  payload: Payload,
  change: ScheduledChange,
  workerId: string,
  outcome: { message: string; attempts: number; retryAt: number | null },
) => {
  const common = { lastError: outcome.message.slice(0, 500), leaseExpiresAt: null }
  await claimOne(payload, {
    collection: JOBS,
    id: change.id,
    when: { leaseOwner: { equals: workerId } },
    data:
      outcome.retryAt === null
        ? { ...common, state: 'failed', ...jobFieldsWhen.failed(outcome.attempts, outcome.message) }
        : { ...common, state: 'queued', ...jobFieldsWhen.retrying(outcome.attempts, iso(outcome.retryAt)), leaseOwner: null },
  })
}

/** Gives a claim back without counting an attempt (graceful shutdown mid-wait). */
export const releaseChange = async (payload: Payload, id: ScheduledChange['id'], workerId: string) => {
  await claimOne(payload, {
    collection: JOBS,
    id,
    when: heldBy(workerId),
    data: { state: 'queued', ...jobFieldsWhen.released(), leaseOwner: null, leaseExpiresAt: null },
  })
}
