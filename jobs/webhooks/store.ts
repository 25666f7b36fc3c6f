import type { Payload, Where } from 'payload'

import type { WebhookDelivery } from '../../payload-types'
import { claimOne } from '../../src/seams/database'

const DELIVERIES = 'webhook-deliveries' as const
const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Every read and write of the delivery pipeline's state, in one file (as
 * jobs/scheduling/store.ts). Claims and outcomes are single conditional updates through
 * `claimOne` (src/seams/database.ts), so two workers never both send.
 *
 * States: `queued` → `sending` (claimed, leased) → `delivered`, or back to `queued` with a
 * later `nextAttemptAt`, or `failed` after the last attempt. `sending` with an expired
 * lease means its worker died mid-POST: another worker sends it again (at least once).
 */

const dueWhere = (now: number): Where => ({
  or: [
    { and: [{ status: { equals: 'queued' } }, { nextAttemptAt: { less_than_equal: iso(now) } }] },
    { and: [{ status: { equals: 'sending' } }, { leaseExpiresAt: { less_than: iso(now) } }] },
  ],
})

/** A page of the deliveries that may be sent now, oldest first (index on status, nextAttemptAt). */
export const findDueDeliveries = async (
  payload: Payload,
  limit: number,
  page = 1,
): Promise<{ docs: WebhookDelivery[]; hasNextPage: boolean }> => {
  const { docs, hasNextPage } = await payload.db.find({
    collection: DELIVERIES,
    where: dueWhere(Date.now()),
    sort: 'createdAt',
    limit,
    page,
  })
  return { docs: docs as unknown as WebhookDelivery[], hasNextPage: Boolean(hasNextPage) }
}

const sameTarget = (a: WebhookDelivery, b: WebhookDelivery) =>
  String(relationId(a.webhook)) === String(relationId(b.webhook)) && a.collectionSlug === b.collectionSlug && a.documentId === b.documentId

const idBefore = (a: WebhookDelivery['id'] | string, b: WebhookDelivery['id'] | string) =>
  typeof a === 'number' && typeof b === 'number' ? a < b : String(a) < String(b)

const isOlder = (a: WebhookDelivery, b: WebhookDelivery) =>
  a.createdAt < b.createdAt || (a.createdAt === b.createdAt && idBefore(a.id, b.id))

export const relationId = (value: WebhookDelivery['webhook'] | null | undefined) =>
  value && typeof value === 'object' ? value.id : value

/**
 * Keeps the candidates that have no older unfinished delivery for the same webhook and
 * document: events about one document reach a receiver in the order they happened. Safe
 * without a transaction because "finished" is final for the pipeline (only an admin's
 * Retry reopens a failed delivery), so a check that passed stays true.
 */
export const inDocumentOrder = async (payload: Payload, candidates: WebhookDelivery[]): Promise<WebhookDelivery[]> => {
  if (!candidates.length) return []
  const { docs } = await payload.db.find({
    collection: DELIVERIES,
    where: {
      and: [
        { status: { in: ['queued', 'sending'] } },
        { documentId: { in: [...new Set(candidates.map((candidate) => candidate.documentId))] } },
      ],
    },
    sort: 'createdAt',
    limit: 0,
    pagination: false,
  })
  const unfinished = docs as unknown as WebhookDelivery[]
  return candidates.filter((candidate) => !unfinished.some((other) => sameTarget(other, candidate) && isOlder(other, candidate)))
}

/** Takes a due delivery for `workerId` and counts the attempt; null when another worker won. */
export const claimDelivery = async (
  payload: Payload,
  delivery: WebhookDelivery,
  workerId: string,
  leaseMs: number,
): Promise<WebhookDelivery | null> => {
  const now = Date.now()
  const attempts = delivery.attempts ?? 0
  return claimOne<WebhookDelivery>(payload, {
    collection: DELIVERIES,
    id: delivery.id,
    when: { and: [{ attempts: { equals: attempts } }, dueWhere(now)] },
    data: { status: 'sending', leaseOwner: workerId, leaseExpiresAt: iso(now + leaseMs), attempts: attempts + 1 },
  })
}

export type AttemptOutcome = {
  status: number | null
  excerpt: string | null
  durationMs: number
  error: string | null
}

const ownedBy = (workerId: string): Where => ({
  and: [{ leaseOwner: { equals: workerId } }, { status: { equals: 'sending' } }],
})

/** Writes an attempt's outcome, only while `workerId` still holds the delivery; true when it did. */
const recordWhileHeld = async (payload: Payload, delivery: WebhookDelivery, workerId: string, data: Record<string, unknown>) =>
  Boolean(await claimOne(payload, { collection: DELIVERIES, id: delivery.id, when: ownedBy(workerId), data }))

/** What every attempt records of the answer. */
const answerOf = (outcome: AttemptOutcome) => ({ responseStatus: outcome.status, responseExcerpt: outcome.excerpt, durationMs: outcome.durationMs })

/** Records a 2xx; only the lease holder can. */
export const markDelivered = (payload: Payload, delivery: WebhookDelivery, workerId: string, outcome: AttemptOutcome) =>
  recordWhileHeld(payload, delivery, workerId, {
    status: 'delivered',
    deliveredAt: iso(Date.now()),
    ...answerOf(outcome),
    lastError: null,
    leaseExpiresAt: null,
  })

/** Records a failed attempt: back to `queued` at `retryAt`, or `failed` for good (`retryAt` null). */
export const markAttemptFailed = (
  payload: Payload,
  delivery: WebhookDelivery,
  workerId: string,
  outcome: AttemptOutcome,
  retryAt: number | null,
) =>
  recordWhileHeld(payload, delivery, workerId, {
    status: retryAt === null ? 'failed' : 'queued',
    nextAttemptAt: retryAt === null ? null : iso(retryAt),
    ...answerOf(outcome),
    lastError: (outcome.error ?? 'Failed.').slice(0, 500),
    // Kept as "who tried last" for the log; a queued delivery is claimable whoever it names.
    leaseOwner: workerId,
    leaseExpiresAt: null,
  })

/** An admin's Retry: a failed delivery goes back to the queue with a fresh attempt budget. */
export const requeueFailedDelivery = async (payload: Payload, id: number | string): Promise<WebhookDelivery | null> =>
  claimOne<WebhookDelivery>(payload, {
    collection: DELIVERIES,
    id,
    when: { status: { equals: 'failed' } },
    data: { status: 'queued', attempts: 0, nextAttemptAt: iso(Date.now()), leaseOwner: null, leaseExpiresAt: null },
  })
