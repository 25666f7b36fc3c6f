import { randomUUID } from 'node:crypto'

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

/** A purge round's claim on a row, in its confirmationNonce: `purge:<ISO time>:<random>`, so claims compare by age as text. */
const PURGE_CLAIM = 'purge:'
/** The first text after every claim (';' follows ':'). */
const PURGE_CLAIM_END = 'purge;'
/** A claim older than this is a round that died between claiming and deleting: another round may take the row. */
const PURGE_CLAIM_STALE_MS = 10 * 60_000

/**
 * Deletes signups still pending `pendingDays` after their latest confirmation email (rows from
 * before that field existed: after their creation), at most `batchSize` per call. Through
 * `payload.delete`, so erasure's hooks run: deliveries and outbox rows go, and the counts
 * (`erasedSubscribers`, `purgedUnconfirmed`) remember them without a name. The delete repeats
 * the conditions, so a subscriber who confirms meanwhile stays.
 *
 * Each row is claimed first (one conditional write of its confirmationNonce, which a link of a
 * signup being deleted no longer needs), and the delete takes only this round's claims: two
 * workers' rounds that find the same rows would otherwise both delete them, because Payload's
 * delete runs the erasure hooks for every row its find returned even when the SQL adapter's
 * deleteOne then finds the row gone (returns null), so each was counted twice (seen in CI: two
 * rounds, three rows, six erasures).
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
  const claim = `${PURGE_CLAIM}${now.toISOString()}:${randomUUID()}`
  // Not a claim, or a stale one: by text order, since claims sort by their time and every claim lies in ["purge:", "purge;")
  // (`not_like` would not do: the SQL adapter compares it without wildcards).
  const unclaimed: Where = {
    or: [
      { confirmationNonce: { equals: null } },
      { confirmationNonce: { less_than: `${PURGE_CLAIM}${new Date(now.getTime() - PURGE_CLAIM_STALE_MS).toISOString()}` } },
      { confirmationNonce: { greater_than_equal: PURGE_CLAIM_END } },
    ],
  }
  const claimed: Id[] = []
  for (const { id } of docs) {
    if (await claimOne(payload, { collection: 'subscribers', id, when: { and: [expired, unclaimed] }, data: { confirmationNonce: claim } })) claimed.push(id)
  }
  if (!claimed.length) return 0
  const result = await payload.delete({
    collection: 'subscribers',
    where: { and: [{ id: { in: claimed } }, { confirmationNonce: { equals: claim } }, expired] },
    overrideAccess: true,
    depth: 0,
    context: { [PURGED_UNCONFIRMED]: true },
  })
  const purged = result.docs.length
  for (const error of result.errors) payload.logger.error({ event: 'subscriber.purge-failed', subscriber: error.id, msg: error.message })
  if (purged) payload.logger.info({ event: 'subscriber.purged-unconfirmed', count: purged, olderThanDays: pendingDays })
  return purged
}
