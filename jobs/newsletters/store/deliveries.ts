import type { Payload, Where } from 'payload'

import type { Delivery, Subscriber } from '../../../payload-types'
import { DELIVERY_STATUSES, type DeliveryCounts } from '../counts'
import { updateEveryMatch } from '../../../src/seams/database'
import { DELIVERIES, iso, relationId, SUBSCRIBERS, updateAllMatching, updateInPages, type Id } from './shared'

// Deliveries: read ahead, claim, record, bulk transitions, counts

export type DeliveryRow = Pick<Delivery, 'id' | 'email' | 'attempts' | 'messageId'> & { subscriber?: Id | null }

/** Queued deliveries due now, by id, after `afterId` (reading claims nothing). */
export const findQueuedDeliveries = async (payload: Payload, newsletterId: Id, afterId: Id | null, limit: number) => {
  const conditions: Where[] = [
    { newsletter: { equals: newsletterId } },
    { status: { equals: 'queued' } },
    { or: [{ nextAttemptAt: { exists: false } }, { nextAttemptAt: { less_than_equal: iso(Date.now()) } }] },
  ]
  if (afterId !== null) conditions.push({ id: { greater_than: afterId } })
  const { docs } = await payload.db.find<DeliveryRow>({
    collection: DELIVERIES,
    where: { and: conditions },
    select: { email: true, subscriber: true, attempts: true, messageId: true },
    sort: 'id',
    limit,
    pagination: false,
  })
  return docs.map((doc) => ({ ...doc, subscriber: relationId(doc.subscriber) }))
}

/** When the next queued delivery (a retry waiting for its backoff) becomes due, or null if none is queued. */
export const nextQueuedAttemptAt = async (payload: Payload, newsletterId: Id): Promise<number | null> => {
  const { docs } = await payload.db.find<Pick<Delivery, 'nextAttemptAt'>>({
    collection: DELIVERIES,
    where: { and: [{ newsletter: { equals: newsletterId } }, { status: { equals: 'queued' } }] },
    select: { nextAttemptAt: true },
    sort: 'nextAttemptAt',
    limit: 1,
    pagination: false,
  })
  if (!docs.length) return null
  return docs[0].nextAttemptAt ? Date.parse(docs[0].nextAttemptAt) : Date.now()
}

/**
 * Current status and name of subscribers, to honour unsubscribes made during the send, and
 * the secret their links carry (read here, through the adapter, since no API returns it).
 */
export const findSubscriberStates = async (payload: Payload, ids: Id[]) => {
  const { docs } = await payload.db.find<Pick<Subscriber, 'id' | 'status' | 'name' | 'manageSecret'>>({
    collection: SUBSCRIBERS,
    where: { id: { in: ids } },
    select: { status: true, name: true, manageSecret: true },
    limit: 0,
    pagination: false,
  })
  return new Map(docs.map((doc) => [String(doc.id), doc]))
}

/**
 * Moves queued deliveries to `sending` under `claimToken` (unique per group), then reads back
 * exactly the rows this call won. A row cancelled, skipped or claimed elsewhere in between is
 * simply not among them. After this, the message may leave; before it, it never does.
 */
export const claimDeliveries = async (payload: Payload, ids: Id[], claimToken: string): Promise<DeliveryRow[]> => {
  if (!ids.length) return []
  const claimable: Where = { and: [{ id: { in: ids } }, { status: { equals: 'queued' } }] }
  // SQL adapters claim the whole group in one update; MongoDB one row per call (src/seams/database.ts).
  await updateEveryMatch(payload, { collection: DELIVERIES, where: claimable, data: { status: 'sending', leaseOwner: claimToken, updatedAt: iso(Date.now()) }, maxCalls: ids.length })
  const { docs } = await payload.db.find<DeliveryRow>({
    collection: DELIVERIES,
    where: { and: [{ leaseOwner: { equals: claimToken } }, { status: { equals: 'sending' } }] },
    select: { email: true, subscriber: true, attempts: true, messageId: true },
    sort: 'id',
    limit: 0,
    pagination: false,
  })
  return docs.map((doc) => ({ ...doc, subscriber: relationId(doc.subscriber) }))
}

export type DeliveryOutcome =
  | { status: 'sent'; smtpResponse: string; attempts: number }
  | { status: 'queued'; lastError: string; smtpResponse?: string; nextAttemptAt: number; attempts: number }
  | { status: 'failed' | 'bounced' | 'unknown'; lastError: string; smtpResponse?: string; attempts: number }
  | { status: 'skipped'; lastError: string }

/**
 * Records outcomes of rows this worker moved to `sending` (or that a takeover has since
 * called `unknown`: a late `sent` is the truth). Rows with the same outcome share one update.
 */
export const recordOutcomes = async (payload: Payload, results: Array<{ id: Id; outcome: DeliveryOutcome }>) => {
  const groups = new Map<string, { data: Record<string, unknown>; ids: Id[] }>()
  const now = iso(Date.now())
  for (const { id, outcome } of results) {
    const data: Record<string, unknown> =
      outcome.status === 'sent'
        ? { status: 'sent', sentAt: now, smtpResponse: outcome.smtpResponse.slice(0, 500), attempts: outcome.attempts, lastError: null, leaseOwner: null }
        : outcome.status === 'queued'
          ? {
              status: 'queued',
              lastError: outcome.lastError.slice(0, 500),
              smtpResponse: outcome.smtpResponse?.slice(0, 500) ?? null,
              nextAttemptAt: iso(outcome.nextAttemptAt),
              attempts: outcome.attempts,
              leaseOwner: null,
            }
          : outcome.status === 'skipped'
            ? { status: 'skipped', lastError: outcome.lastError, leaseOwner: null }
            : {
                status: outcome.status,
                lastError: outcome.lastError.slice(0, 500),
                smtpResponse: outcome.smtpResponse?.slice(0, 500) ?? null,
                attempts: outcome.attempts,
                leaseOwner: null,
              }
    const key = JSON.stringify(data)
    data.updatedAt = now
    const group = groups.get(key) ?? { data, ids: [] }
    group.ids.push(id)
    groups.set(key, group)
  }
  for (const { data, ids } of groups.values()) {
    await updateAllMatching(payload, DELIVERIES, { and: [{ id: { in: ids } }, { status: { in: ['sending', 'unknown'] } }] }, data, ids.length)
  }
}

/** Queued rows whose subscriber is no longer confirmed (or gone) become `skipped`, never sent. */
export const skipQueuedDeliveries = (payload: Payload, ids: Id[], reason: string) =>
  ids.length
    ? updateAllMatching(payload, DELIVERIES, { and: [{ id: { in: ids } }, { status: { equals: 'queued' } }] }, { status: 'skipped', lastError: reason }, ids.length)
    : Promise.resolve()

/**
 * After taking a newsletter over: rows still `sending` were in flight when their worker
 * died. Their message may or may not have reached the server, so they become `unknown`:
 * shown to the owner, never resent automatically.
 */
export const markOrphansUnknown = (payload: Payload, newsletterId: Id, sendingBefore?: number) =>
  // Called right after a claim, before this worker moves any row to `sending`: every row
  // in `sending` belongs to a previous holder. With `sendingBefore`, only rows stuck that long.
  updateInPages(
    payload,
    {
      and: [
        { newsletter: { equals: newsletterId } },
        { status: { equals: 'sending' } },
        ...(sendingBefore ? [{ updatedAt: { less_than: iso(sendingBefore) } }] : []),
      ],
    },
    { status: 'unknown', lastError: 'In flight when its worker stopped: the server may or may not have accepted it. Not resent automatically.' },
  )

/** A person's "retry failed recipients only": failed rows go back to the queue with fresh attempts. */
export const requeueFailedDeliveries = (payload: Payload, newsletterId: Id) =>
  updateInPages(payload, { and: [{ newsletter: { equals: newsletterId } }, { status: { equals: 'failed' } }] }, {
    status: 'queued',
    attempts: 0,
    nextAttemptAt: null,
    leaseOwner: null,
  })

/** Cancelling: whatever has not been handed to the server yet stays unsent. */
export const cancelQueuedDeliveries = (payload: Payload, newsletterId: Id) =>
  updateInPages(payload, { and: [{ newsletter: { equals: newsletterId } }, { status: { equals: 'queued' } }] }, { status: 'cancelled', leaseOwner: null })

/** Per-status counts of a newsletter's deliveries, from the database (one count per status). */
export const countDeliveries = async (payload: Payload, newsletterId: Id): Promise<DeliveryCounts> => {
  const counts = await Promise.all(
    DELIVERY_STATUSES.map((status) =>
      payload.db.count({ collection: DELIVERIES, where: { and: [{ newsletter: { equals: newsletterId } }, { status: { equals: status } }] } }),
    ),
  )
  const result = Object.fromEntries(DELIVERY_STATUSES.map((status, index) => [status, counts[index].totalDocs])) as Omit<DeliveryCounts, 'recipients'>
  return { ...result, recipients: Object.values(result).reduce((sum, n) => sum + n, 0) }
}
