import type { Payload } from 'payload'

import { skipQueuedDeliveriesOf } from '../../jobs/newsletters/store/subscribers'
import type { Suppression } from '../../payload-types'
import { claimEach, insertManyFast, type Id } from '../seams/database'

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
 * Stops all mail to subscribers, at once, and puts them on the suppression list, as if the
 * requests were made one after the other (a bounce then a complaint of one subscriber leaves
 * them `complained`, with both entries):
 * - a conditional update of the statuses (`bounced`, or `complained`, which also replaces
 *   `bounced`): of two reports at once, one wins and writes the list entry. One statement per
 *   target status on SQL (claimEach), taken in waves: a subscriber's second request only after
 *   their first;
 * - the list entries of those won, in one insert on SQL;
 * - their deliveries still queued in any newsletter become `skipped` (a send in progress only
 *   sends rows it can move from `queued` to `sending`).
 * One boolean per request: false when that one was already suppressed for that reason.
 */
export const suppressSubscribers = async (payload: Payload, requests: SuppressionRequest[]): Promise<boolean[]> => {
  const won = requests.map(() => false)
  const waves: number[][] = []
  const seen = new Map<string, number>()
  requests.forEach(({ subscriberId }, index) => {
    const wave = seen.get(String(subscriberId)) ?? 0
    seen.set(String(subscriberId), wave + 1)
    ;(waves[wave] ??= []).push(index)
  })
  for (const wave of waves) {
    const claims = new Map<string, { from: string[]; to: string; indexes: number[] }>()
    for (const index of wave) {
      const { kind, from = fromFor(kind) } = requests[index]
      const to = kind === 'complaint' ? 'complained' : 'bounced'
      const key = `${to}<${from.join(',')}`
      if (!claims.has(key)) claims.set(key, { from, to, indexes: [] })
      claims.get(key)!.indexes.push(index)
    }
    for (const { from, to, indexes } of claims.values()) {
      const moved = await claimEach(payload, { collection: 'subscribers', ids: indexes.map((index) => requests[index].subscriberId), field: 'status', from, to })
      for (const index of indexes) won[index] = moved.has(String(requests[index].subscriberId))
    }
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
