import type { Payload, Where } from 'payload'

import { PURGED_UNCONFIRMED } from '../../collections/Subscribers/hooks/recordErasure'
import type { Subscriber } from '../../payload-types'
import { claimOne, type Id } from '../seams/database'
import { confirmUrl } from './links'

/**
 * What happens to a signup nobody confirms (run by the worker, jobs/subscribers): one reminder
 * `reminderHours` after its confirmation email, then, `pendingDays` after it, the subscriber is
 * deleted like an erasure (only the anonymous counts in `audience-stats` remain). Both count
 * from `confirmationRequestedAt`, the latest confirmation email (a signup again restarts them).
 */

export type UpkeepClock = { now: Date; batchSize: number }

const HOUR_MS = 3_600_000

/** A signup still waiting for its one reminder, due at `dueBefore`. The claim repeats it, so only one worker reminds. */
const dueForReminder = (dueBefore: string): Where => ({
  and: [
    { status: { equals: 'pending' } },
    { reminderSentAt: { equals: null } },
    { confirmationRequestedAt: { less_than_equal: dueBefore } },
    // A row from before per-signup nonces has no link that could confirm it: nothing to remind.
    { confirmationNonce: { not_equals: null } },
  ],
})

/**
 * Sends the one reminder to each signup whose confirmation email is `reminderHours` old
 * (oldest first, at most `batchSize`). Each is claimed first (`reminderSentAt`, one
 * conditional update): two workers never both send one, and a crash after the claim loses the
 * reminder rather than risk a second. The mail goes through the transactional outbox (durable,
 * nothing for a suppressed address).
 */
export const remindUnconfirmedSubscribers = async (payload: Payload, reminderHours: number, { now, batchSize }: UpkeepClock): Promise<number> => {
  if (!(reminderHours > 0)) return 0
  const due = dueForReminder(new Date(now.getTime() - reminderHours * HOUR_MS).toISOString())
  const { docs } = await payload.db.find<{ id: Id }>({ collection: 'subscribers', where: due, select: { id: true }, sort: 'confirmationRequestedAt', limit: batchSize, pagination: false })
  const { sendSubscriberEmail } = await import('./mail')
  let reminded = 0
  for (const { id } of docs) {
    // The claimed row as it now stands (a database read: the link's nonce and secret included).
    const subscriber = await claimOne<Subscriber>(payload, { collection: 'subscribers', id, when: due, data: { reminderSentAt: now.toISOString() } })
    if (!subscriber?.confirmationNonce) continue
    await sendSubscriberEmail(payload, subscriber, 'reminder', { confirmUrl: confirmUrl(subscriber, subscriber.confirmationNonce, now.getTime()) })
    reminded++
  }
  if (reminded) payload.logger.info({ event: 'subscriber.reminded', count: reminded })
  return reminded
}

/**
 * Deletes signups still pending `pendingDays` after their latest confirmation email (rows from
 * before that field existed: after their creation), at most `batchSize` per call. Through
 * `payload.delete`, so erasure's hooks run: deliveries and outbox rows go, and the counts
 * (`erasedSubscribers`, `purgedUnconfirmed`) remember them without a name. The delete repeats
 * the conditions, so a subscriber who confirms meanwhile stays.
 */
export const purgeUnconfirmedSubscribers = async (payload: Payload, pendingDays: number, { now, batchSize }: UpkeepClock): Promise<number> => {
  const before = new Date(now.getTime() - pendingDays * 24 * HOUR_MS).toISOString()
  const expired: Where = {
    and: [
      { status: { equals: 'pending' } },
      {
        or: [
          { confirmationRequestedAt: { less_than_equal: before } },
          { and: [{ confirmationRequestedAt: { equals: null } }, { createdAt: { less_than_equal: before } }] },
        ],
      },
    ],
  }
  const { docs } = await payload.db.find<{ id: Id }>({ collection: 'subscribers', where: expired, select: { id: true }, sort: 'createdAt', limit: batchSize, pagination: false })
  if (!docs.length) return 0
  const result = await payload.delete({
    collection: 'subscribers',
    where: { and: [{ id: { in: docs.map((doc) => doc.id) } }, expired] },
    overrideAccess: true,
    depth: 0,
    context: { [PURGED_UNCONFIRMED]: true },
  })
  const purged = result.docs.length
  for (const error of result.errors) payload.logger.error({ event: 'subscriber.purge-failed', subscriber: error.id, msg: error.message })
  if (purged) payload.logger.info({ event: 'subscriber.purged-unconfirmed', count: purged, olderThanDays: pendingDays })
  return purged
}
