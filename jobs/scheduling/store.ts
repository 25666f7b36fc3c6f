import type { Payload, Where } from 'payload'

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

const JOBS = 'payload-jobs' as const
const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Every read and write of the pipeline's state, in one file. Claims and completions are
 * single conditional updates (`UPDATE … WHERE … RETURNING` on SQLite, `findOneAndUpdate`
 * on MongoDB) through `payload.db`, so two workers can never both win.
 */

/** Changes that are due before `untilMs`, and claims whose owner may have died. One indexed query. */
export const findUpcomingChanges = async (payload: Payload, untilMs: number): Promise<ScheduledChange[]> => {
  const { docs } = await payload.db.find({
    collection: JOBS,
    where: {
      and: [
        { taskSlug: { equals: SCHEDULE_TASK } },
        { state: { in: ['queued', 'running'] } },
        { waitUntil: { less_than_equal: iso(untilMs) } },
      ],
    },
    sort: 'waitUntil',
    limit: 1000,
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
      { id: { equals: id } },
      { waitUntil: { less_than_equal: iso(now) } },
      {
        or: [
          { state: { equals: 'queued' } },
          { and: [{ state: { equals: 'running' } }, { leaseExpiresAt: { less_than: iso(now) } }] },
        ],
      },
    ],
  }
  const claimed = await payload.db.updateOne({
    collection: JOBS,
    where: claimable,
    data: { state: 'running', processing: true, leaseOwner: workerId, leaseExpiresAt: iso(now + leaseMs) },
    options: { atomic: true },
  })
  return (claimed as unknown as ScheduledChange) ?? null
}

/** Extends the claim if `workerId` still holds it; false when another worker took over. */
export const renewLease = async (payload: Payload, change: ScheduledChange, workerId: string, leaseMs: number) => {
  const renewed = await payload.db.updateOne({
    collection: JOBS,
    where: { and: [{ id: { equals: change.id } }, { leaseOwner: { equals: workerId } }, { state: { equals: 'running' } }] },
    data: { leaseExpiresAt: iso(Date.now() + leaseMs) },
    options: { atomic: true },
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
  const scheduledFor = Date.parse(change.scheduledFor ?? change.waitUntil)
  const done = await payload.db.updateOne({
    collection: JOBS,
    where: { and: [{ id: { equals: change.id } }, { leaseOwner: { equals: workerId } }, { state: { equals: 'running' } }] },
    data: {
      state: 'done',
      processing: false,
      completedAt: iso(appliedAt),
      appliedAt: iso(appliedAt),
      latenessMs: appliedAt - scheduledFor,
      leaseExpiresAt: null,
      hasError: false,
      lastError: null,
      note,
    },
    options: { atomic: true },
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
  const common = { processing: false, totalTried: outcome.attempts, lastError: outcome.message.slice(0, 500), leaseExpiresAt: null }
  await payload.db.updateOne({
    collection: JOBS,
    where: { and: [{ id: { equals: change.id } }, { leaseOwner: { equals: workerId } }] },
    data:
      outcome.retryAt === null
        ? { ...common, state: 'failed', hasError: true, error: { message: outcome.message } }
        : { ...common, state: 'queued', waitUntil: iso(outcome.retryAt), leaseOwner: null },
    options: { atomic: true },
  })
}

/** Gives a claim back without counting an attempt (graceful shutdown mid-wait). */
export const releaseChange = async (payload: Payload, id: ScheduledChange['id'], workerId: string) => {
  await payload.db.updateOne({
    collection: JOBS,
    where: { and: [{ id: { equals: id } }, { leaseOwner: { equals: workerId } }, { state: { equals: 'running' } }] },
    data: { state: 'queued', processing: false, leaseOwner: null, leaseExpiresAt: null },
    options: { atomic: true },
  })
}
