import type { CollectionAfterDeleteHook } from 'payload'

import type { Subscriber } from '../../../payload-types'

/** Deleting a subscriber is erasing them; what remains is a count with no person in it. */
export const recordErasure: CollectionAfterDeleteHook<Subscriber> = async ({ doc, req }) => {
  const stats = await req.payload.findGlobal({ slug: 'audience-stats', depth: 0, overrideAccess: true, req })
  await req.payload.updateGlobal({
    slug: 'audience-stats',
    data: {
      erasedSubscribers: (stats.erasedSubscribers ?? 0) + 1,
      erasedWhileConfirmed: (stats.erasedWhileConfirmed ?? 0) + (doc.status === 'confirmed' ? 1 : 0),
    },
    overrideAccess: true,
    depth: 0,
    req,
  })
  req.payload.logger.info({ event: 'subscriber.erased', status: doc.status })
  return doc
}
