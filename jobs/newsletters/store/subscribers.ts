import type { Payload, Where } from 'payload'

import type { Subscriber } from '../../../payload-types'
import { SUBSCRIBERS, updateInPages, type Id } from './shared'

// Subscribers: bounces, erasure, unsubscribes during a send

/** A permanent failure counts against the address; a hard bounce (unknown user) stops future sends. */
export const recordBounce = async (payload: Payload, subscriberId: Id, hard: boolean) => {
  const current = await payload.db.findOne<Pick<Subscriber, 'id' | 'bounceCount' | 'status'>>({ collection: SUBSCRIBERS, where: { id: { equals: subscriberId } } })
  if (!current) return
  await payload.db.updateOne({
    collection: SUBSCRIBERS,
    id: subscriberId,
    data: { bounceCount: (current.bounceCount ?? 0) + 1, ...(hard && current.status === 'confirmed' ? { status: 'bounced' } : {}) },
    returning: false,
  })
}

/**
 * Erasing a subscriber: their deliveries keep the newsletter's counts but lose the person
 * (no address, no link to the subscriber); one still queued will never be sent.
 */
export const anonymiseDeliveriesOf = async (payload: Payload, subscriberId: Id) => {
  const theirs: Where = { subscriber: { equals: subscriberId } }
  await updateInPages(payload, { and: [theirs, { status: { equals: 'queued' } }] }, { status: 'skipped', lastError: 'Subscriber erased.' })
  return updateInPages(payload, theirs, { subscriber: null, email: 'erased', smtpResponse: null, lastError: null })
}

/** A subscriber who stops being confirmed mid-send: their queued deliveries are skipped, not sent. */
export const skipQueuedDeliveriesOf = (payload: Payload, subscriberId: Id, reason: string) =>
  updateInPages(payload, { and: [{ subscriber: { equals: subscriberId } }, { status: { equals: 'queued' } }] }, { status: 'skipped', lastError: reason })
