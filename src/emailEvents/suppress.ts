import type { Payload } from 'payload'

import { skipQueuedDeliveriesOf } from '../../jobs/newsletters/store/subscribers'
import type { Suppression } from '../../payload-types'
import { claimOne, type Id } from '../seams/database'

export type SuppressionKind = Suppression['kind']
export type SuppressionSource = Suppression['source']

/** Statuses that receive nothing, newsletters or transactional mail. */
export const SUPPRESSED_STATUSES = ['bounced', 'complained'] as const

/**
 * Stops all mail to a subscriber, at once, and puts them on the suppression list:
 * - one conditional update of the status (`bounced`, or `complained`, which also replaces
 *   `bounced`): of two reports at once, one wins and writes the list entry;
 * - their deliveries still queued in any newsletter become `skipped` (a send in progress
 *   only sends rows it can move from `queued` to `sending`).
 * False when they were already suppressed for that reason (nothing changed).
 */
export const suppressSubscriber = async (
  payload: Payload,
  {
    subscriberId,
    email,
    kind,
    source,
    reason,
    at,
    from = kind === 'complaint' ? ['pending', 'confirmed', 'unsubscribed', 'bounced'] : ['pending', 'confirmed', 'unsubscribed'],
  }: { subscriberId: Id; email: string; kind: SuppressionKind; source: SuppressionSource; reason?: string; at: string; from?: string[] },
): Promise<boolean> => {
  const status = kind === 'complaint' ? 'complained' : 'bounced'
  const won = await claimOne(payload, { collection: 'subscribers', id: subscriberId, when: { status: { in: from } }, data: { status } })
  if (!won) return false
  await payload.db.create({
    collection: 'suppressions',
    data: { email, subscriber: subscriberId, kind, source, reason: reason?.slice(0, 500) || null, suppressedAt: at, state: 'active' },
    returning: false,
  })
  await skipQueuedDeliveriesOf(payload, subscriberId, kind === 'complaint' ? 'The address complained (spam report).' : 'The address bounced.')
  return true
}
