import type { Payload, Where } from 'payload'

import type { Newsletter } from '../../../payload-types'
import { SMTP_DOWN_OWNER } from '../config'
import { storedCounts, type StoredCounts } from '../counts'
import { WORKER_MOVES } from '../states'
import { claimOne } from '../../../src/seams/database'
import { iso, NEWSLETTERS, type Id } from './shared'

// Newsletters: due, claim, lease, pause, finish (the worker's moves, states.ts WORKER_MOVES)

/**
 * How long a schedule rests before a worker may take it. Payload's SQLite adapter saves a
 * document as several statements that each commit alone (src/database.ts: no transactions):
 * the row first (status `scheduled`), then its relationship rows deleted and written again.
 * A worker in another process claiming in between would read the newsletter with no featured
 * articles and send it so. Every save that schedules stamps `updatedAt`, and its statements
 * finish within milliseconds; MongoDB writes the document, arrays included, at once, where
 * the wait only delays a send by this much.
 */
export const SCHEDULE_SETTLE_MS = 2000

/** WORKER_MOVES.claim.from, when due: a schedule whose time came, or a send whose lease ran out (or was given back). */
const claimable = (now: number): Where[] => {
  const [scheduled, sending] = WORKER_MOVES.claim.from
  return [
    {
      and: [
        { status: { equals: scheduled } },
        { sendAt: { less_than_equal: iso(now) } },
        { updatedAt: { less_than_equal: iso(now - SCHEDULE_SETTLE_MS) } },
      ],
    },
    { and: [{ status: { equals: sending } }, { or: [{ leaseExpiresAt: { less_than: iso(now) } }, { leaseExpiresAt: { exists: false } }] }] },
  ]
}

/** Newsletters a worker should look at now: due schedules, expired leases, and self-paused sends to probe. */
export const findDueNewsletters = async (payload: Payload, now: number, limit: number): Promise<Newsletter[]> => {
  const { docs } = await payload.db.find<Newsletter>({
    collection: NEWSLETTERS,
    where: {
      or: [
        ...claimable(now),
        { and: [{ status: { in: WORKER_MOVES.resumeAfterProbe.from } }, { leaseOwner: { equals: SMTP_DOWN_OWNER } }] },
      ],
    },
    sort: 'sendAt',
    limit,
    pagination: false,
  })
  return docs
}

/**
 * Takes a newsletter for `workerId`: a due schedule, a send whose holder's lease ran out (a
 * crashed worker), or a send resumed by a person (no lease). One conditional update.
 */
export const claimNewsletter = async (payload: Payload, id: Id, workerId: string, leaseMs: number): Promise<Newsletter | null> => {
  const now = Date.now()
  const claimed = await claimOne<Newsletter>(payload, {
    collection: NEWSLETTERS,
    id,
    when: { or: claimable(now) },
    data: { status: WORKER_MOVES.claim.to, leaseOwner: workerId, leaseExpiresAt: iso(now + leaseMs) },
  })
  if (!claimed) return null
  const newsletter = claimed
  if (!newsletter.startedAt) {
    const startedAt = iso(now)
    await payload.db.updateOne({ collection: NEWSLETTERS, id, data: { startedAt } })
    newsletter.startedAt = startedAt
  }
  return newsletter
}

const heldBy = (workerId: string): Where => ({
  and: [{ leaseOwner: { equals: workerId } }, { status: { equals: WORKER_MOVES.claim.to } }],
})

/** Extends the lease if `workerId` still holds it. Null when paused, cancelled or taken over: stop. */
export const renewNewsletterLease = async (payload: Payload, id: Id, workerId: string, leaseMs: number) =>
  claimOne<Newsletter>(payload, { collection: NEWSLETTERS, id, when: heldBy(workerId), data: { leaseExpiresAt: iso(Date.now() + leaseMs) } })

/** Writes pipeline fields of a newsletter only while `workerId` holds it (`finish` among them: WORKER_MOVES.finish). */
export const updateHeldNewsletter = async (payload: Payload, id: Id, workerId: string, data: Record<string, unknown>) =>
  claimOne<Newsletter>(payload, { collection: NEWSLETTERS, id, when: heldBy(workerId), data })

export const findNewsletter = (payload: Payload, id: Id) =>
  payload.db.findOne<Newsletter>({ collection: NEWSLETTERS, where: { id: { equals: id } } })

/** The SMTP server stopped answering: pause, marked so that the worker (not a person) resumes it. */
export const pauseForUnreachableServer = (payload: Payload, id: Id, workerId: string, since: number) =>
  updateHeldNewsletter(payload, id, workerId, {
    status: WORKER_MOVES.pauseForUnreachableServer.to,
    leaseOwner: SMTP_DOWN_OWNER,
    leaseExpiresAt: null,
    note: `SMTP server unreachable since ${iso(since)} — retrying automatically.`,
  })

/** The SMTP server answers again: a self-paused newsletter goes back to `sending`, free to claim. */
export const resumeAfterUnreachableServer = (payload: Payload, id: Id) =>
  claimOne<Newsletter>(payload, {
    collection: NEWSLETTERS,
    id,
    when: { and: [{ status: { in: WORKER_MOVES.resumeAfterProbe.from } }, { leaseOwner: { equals: SMTP_DOWN_OWNER } }] },
    data: { status: WORKER_MOVES.resumeAfterProbe.to, leaseOwner: null, leaseExpiresAt: null, note: null },
  })

/** Gives the newsletter back without finishing it (graceful shutdown). */
export const releaseNewsletter = (payload: Payload, id: Id, workerId: string) =>
  updateHeldNewsletter(payload, id, workerId, { leaseOwner: null, leaseExpiresAt: null })

/**
 * A person's move (control.ts): one conditional update from the state they saw (`from`), so
 * it either applies or reports a conflict. Null when the newsletter is not (any more) there.
 */
export const moveNewsletter = (payload: Payload, id: Id, from: Where, data: Record<string, unknown>) =>
  claimOne<Newsletter>(payload, { collection: NEWSLETTERS, id, when: from, data })

/** The newsletter's stored `counts`, from a fresh count of its deliveries. */
export const writeStoredCounts = async (payload: Payload, id: Id, counts: StoredCounts) => {
  await payload.db.updateOne({ collection: NEWSLETTERS, id, data: { counts: storedCounts(counts) }, returning: false })
}
