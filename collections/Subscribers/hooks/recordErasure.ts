import type { CollectionAfterDeleteHook } from 'payload'

import type { Subscriber } from '../../../payload-types'
import { incrementGlobalNumbers } from '../../../src/seams/counters'

/** In a delete's `context`: the worker removes a signup nobody confirmed (src/subscribers/upkeep.ts). */
export const PURGED_UNCONFIRMED = 'purgedUnconfirmed'

/**
 * Deleting a subscriber is erasing them; what remains is a count with no person in it. One
 * atomic increment (src/seams/counters.ts), so two erasures at once both count.
 */
export const recordErasure: CollectionAfterDeleteHook<Subscriber> = async ({ context, doc, req }) => {
  const purged = context[PURGED_UNCONFIRMED] === true
  await incrementGlobalNumbers(
    req.payload,
    'audience-stats',
    { erasedSubscribers: 1, erasedWhileConfirmed: doc.status === 'confirmed' ? 1 : 0, ...(purged ? { purgedUnconfirmed: 1 } : {}) },
    req,
  )
  req.payload.logger.info({ event: 'subscriber.erased', status: doc.status, ...(purged ? { reason: 'never confirmed' } : {}) })
  return doc
}
