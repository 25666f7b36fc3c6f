import type { Payload } from 'payload'

import { skipQueuedDeliveriesOf } from '../../jobs/newsletters/store/subscribers'
import type { Suppression } from '../../payload-types'
import { claimOne, insertManyFast, type Id } from '../seams/database'

export type SuppressionKind = Suppression['kind']
export type SuppressionSource = Suppression['source']

/** Statuses that receive nothing, newsletters or transactional mail. */
export const SUPPRESSED_STATUSES = ['bounced', 'complained'] as const

export type SuppressionRequest = {
  subscriberId: Id
  email: string
  kind: SuppressionKind
  source: SuppressionSource
  reason?: string
  at: string
  /** The statuses it may be taken from; by default every status not already suppressed for that reason. */
  from?: string[]
}

const fromFor = (kind: SuppressionKind) => (kind === 'complaint' ? ['pending', 'confirmed', 'unsubscribed', 'bounced'] : ['pending', 'confirmed', 'unsubscribed'])
const skipReason = (kind: SuppressionKind) => (kind === 'complaint' ? 'The address complained (spam report).' : 'The address bounced.')

/**
 * Stops all mail to subscribers, at once, and puts them on the suppression list, in the
 * order given (a bounce then a complaint of one subscriber leaves them `complained`):
 * - one conditional update of each status (`bounced`, or `complained`, which also replaces
 *   `bounced`): of two reports at once, one wins and writes the list entry;
 * - the list entries of those won, in one insert on SQL;
 * - their deliveries still queued in any newsletter become `skipped` (a send in progress only
 *   sends rows it can move from `queued` to `sending`).
 * One boolean per request: false when that one was already suppressed for that reason.
 */
export const suppressSubscribers = async (payload: Payload, requests: SuppressionRequest[]): Promise<boolean[]> => {
  const won: boolean[] = []
  for (const { subscriberId, kind, from = fromFor(kind) } of requests) {
    const status = kind === 'complaint' ? 'complained' : 'bounced'
    won.push(!!(await claimOne(payload, { collection: 'subscribers', id: subscriberId, when: { status: { in: from } }, data: { status } })))
  }
  const winners = requests.filter((_, index) => won[index])
  if (!winners.length) return won
  const entries = winners.map(({ email, subscriberId, kind, source, reason, at }) => ({
    email,
    subscriber: subscriberId,
    kind,
    source,
    reason: reason?.slice(0, 500) || null,
    suppressedAt: at,
    state: 'active',
  }))
  const insertMany = insertManyFast(payload, 'suppressions')
  if (insertMany) await insertMany(entries)
  else for (const data of entries) await payload.db.create({ collection: 'suppressions', data, returning: false })
  // One subscriber at a time: for `subscriber IN (…)` SQLite picks the status index, i.e. reads
  // every queued delivery of a send in progress (EXPLAIN QUERY PLAN); for one, the subscriber's.
  for (const winner of winners) await skipQueuedDeliveriesOf(payload, winner.subscriberId, skipReason(winner.kind))
  return won
}

/** One subscriber: see suppressSubscribers. */
export const suppressSubscriber = async (payload: Payload, request: SuppressionRequest): Promise<boolean> => (await suppressSubscribers(payload, [request]))[0]
