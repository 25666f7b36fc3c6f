import type { CollectionAfterChangeHook } from 'payload'

import type { Subscriber, Suppression } from '../../../payload-types'

/**
 * A lifted suppression gives the subscriber back the state they had before it, once no other
 * suppression of theirs is active: confirmed if they had confirmed, otherwise unsubscribed
 * (they never asked to be mailed). The soft-bounce streak starts again from nothing.
 */
export const restoreLiftedSubscriber: CollectionAfterChangeHook<Suppression> = async ({ doc, previousDoc, req }) => {
  if (doc.state !== 'lifted' || previousDoc?.state === 'lifted' || doc.subscriber == null) return doc
  const subscriberId = typeof doc.subscriber === 'object' ? doc.subscriber.id : doc.subscriber
  const stillActive = await req.payload.count({
    collection: 'suppressions',
    where: { and: [{ subscriber: { equals: subscriberId } }, { state: { equals: 'active' } }, { id: { not_equals: doc.id } }] },
    overrideAccess: true,
    req,
  })
  if (stillActive.totalDocs) return doc
  const subscriber = (await req.payload.findByID({ collection: 'subscribers', id: subscriberId, depth: 0, overrideAccess: true, disableErrors: true, req })) as Subscriber | null
  if (!subscriber || (subscriber.status !== 'bounced' && subscriber.status !== 'complained')) return doc
  await req.payload.update({
    collection: 'subscribers',
    id: subscriberId,
    data: { status: subscriber.confirmedAt ? 'confirmed' : 'unsubscribed', bounceCount: 0, suppressionLiftedAt: new Date().toISOString() },
    depth: 0,
    overrideAccess: true,
    req,
  })
  return doc
}
