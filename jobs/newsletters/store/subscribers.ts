import type { Payload, Where } from 'payload'

import { suppressSubscriber } from '../../../src/emailEvents/suppress'
import { incrementNumbers } from '../../../src/seams/counters'
import { SUBSCRIBERS, updateInPages, type Id } from './shared'

// Subscribers: bounces, erasure, unsubscribes during a send

/**
 * A permanent failure counts against the address (one atomic increment: two bounces of one
 * address at once both count); a hard bounce (unknown user) stops future sends of a confirmed subscriber and puts them on the
 * suppression list (source `smtp`).
 */
export const recordBounce = async (payload: Payload, subscriberId: Id, hard: boolean, email: string, reason?: string) => {
  if (!(await incrementNumbers(payload, SUBSCRIBERS, subscriberId, { bounceCount: 1 }))) return
  if (hard) {
    await suppressSubscriber(payload, { subscriberId, email, kind: 'hard_bounce', source: 'smtp', reason, at: new Date().toISOString(), from: ['confirmed'] })
  }
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
