import type { Payload } from 'payload'

import type { TransactionalEmail } from '../../payload-types'
import { claimOne, type Id, updateEveryMatch } from '../../src/seams/database'

/** The outbox rows (collections/TransactionalEmails.ts), read and moved by conditional updates only. */

export type TransactionalKind = TransactionalEmail['kind']
export type OutboxMessage = { html: string; text: string; headers?: Record<string, string> }
export type OutboxRow = Pick<TransactionalEmail, 'id' | 'kind' | 'to' | 'subject' | 'status' | 'attempts'> & {
  subscriber?: Id | null
  message: OutboxMessage
}

const COLLECTION = 'transactional-emails' as const
const ROW_FIELDS = { kind: true, to: true, subject: true, status: true, attempts: true, subscriber: true, message: true } as const

export const recordOutboxRow = async (
  payload: Payload,
  row: { kind: TransactionalKind; to: string; subscriber?: Id | null; subject: string; message: OutboxMessage },
  now = new Date(),
): Promise<Id> => {
  const created = await payload.db.create({
    collection: COLLECTION,
    data: { ...row, subscriber: row.subscriber ?? null, status: 'queued', attempts: 0, nextAttemptAt: now.toISOString() },
  })
  return created.id as Id
}

export const readOutboxRow = async (payload: Payload, id: Id): Promise<OutboxRow | null> =>
  ((await payload.db.findOne({ collection: COLLECTION, where: { id: { equals: id } }, select: ROW_FIELDS })) as unknown as OutboxRow | null) ?? null

/**
 * Takes a row for one attempt: only from `queued` or a due `retrying`, and only if no one
 * took it since it was read (same attempt count). One winner, however many processes try.
 */
export const claimOutboxRow = async (payload: Payload, row: OutboxRow, now: Date): Promise<boolean> => {
  const claimed = await claimOne(payload, {
    collection: COLLECTION,
    id: row.id,
    when: {
      and: [
        { status: { in: ['queued', 'retrying'] } },
        { attempts: { equals: row.attempts ?? 0 } },
        { or: [{ nextAttemptAt: { less_than_equal: now.toISOString() } }, { nextAttemptAt: { exists: false } }] },
      ],
    },
    data: { status: 'sending', attempts: (row.attempts ?? 0) + 1, sendingSince: now.toISOString() },
  })
  return claimed !== null
}

/** Ends an attempt the holder made: only a row still `sending` moves (a stale-row sweep may have marked it unknown meanwhile). */
export const finishOutboxAttempt = async (
  payload: Payload,
  id: Id,
  outcome: { status: 'sent' | 'retrying' | 'failed' | 'skipped' | 'unknown'; lastError?: string | null; smtpResponse?: string | null; nextAttemptAt?: Date | null; sentAt?: Date },
) =>
  claimOne(payload, {
    collection: COLLECTION,
    id,
    when: { status: { equals: 'sending' } },
    data: {
      status: outcome.status,
      lastError: outcome.lastError?.slice(0, 500) ?? null,
      smtpResponse: outcome.smtpResponse?.slice(0, 300) ?? null,
      nextAttemptAt: outcome.nextAttemptAt?.toISOString() ?? null,
      sendingSince: null,
      ...(outcome.sentAt ? { sentAt: outcome.sentAt.toISOString() } : {}),
    },
  })

/** Rows the worker should attempt: queued past the grace period (their process did not get to them) and retries now due. */
export const findDueOutboxRows = async (payload: Payload, now: Date, graceMs: number, limit: number): Promise<OutboxRow[]> => {
  const { docs } = await payload.db.find({
    collection: COLLECTION,
    where: {
      or: [
        { and: [{ status: { equals: 'queued' } }, { createdAt: { less_than_equal: new Date(now.getTime() - graceMs).toISOString() } }] },
        { and: [{ status: { equals: 'retrying' } }, { nextAttemptAt: { less_than_equal: now.toISOString() } }] },
      ],
    },
    select: ROW_FIELDS,
    sort: 'createdAt',
    limit,
    pagination: false,
  })
  return docs as unknown as OutboxRow[]
}

/** `sending` for longer than the lease: its process died mid-send. The server may have taken it, so it is `unknown`, never resent. True when any was. */
export const markInterruptedOutboxRows = async (payload: Payload, now: Date, leaseMs: number, maxRows: number): Promise<boolean> =>
  updateEveryMatch(payload, {
    collection: COLLECTION,
    where: { and: [{ status: { equals: 'sending' } }, { sendingSince: { less_than_equal: new Date(now.getTime() - leaseMs).toISOString() } }] },
    data: { status: 'unknown', sendingSince: null, lastError: 'The sending process stopped mid-send; the server may have taken the message, so it is not sent again.' },
    maxCalls: maxRows,
  })

/** Finished rows past their keeping time go: they hold addresses and links nobody needs any more. */
export const deleteOldOutboxRows = async (payload: Payload, now: Date, keepDays: number) => {
  const before = new Date(now.getTime() - keepDays * 86_400_000).toISOString()
  await payload.db.deleteMany({ collection: COLLECTION, where: { and: [{ status: { in: ['sent', 'skipped'] } }, { createdAt: { less_than: before } }] } })
}

/** Erasure: a subscriber's outbox rows go with them. */
export const deleteOutboxRowsOf = async (payload: Payload, subscriberId: Id) => {
  await payload.db.deleteMany({ collection: COLLECTION, where: { subscriber: { equals: subscriberId } } })
}
