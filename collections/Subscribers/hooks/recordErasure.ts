import type { CollectionAfterDeleteHook } from 'payload'

import type { Subscriber } from '../../../payload-types'
import { incrementGlobalNumbers } from '../../../src/seams/counters'

/**
 * Deleting a subscriber is erasing them; what remains is a count with no person in it. One
 * atomic increment (src/seams/counters.ts), so two erasures at once both count.
 */
export const recordErasure: CollectionAfterDeleteHook<Subscriber> = async ({ doc, req }) => {
  await incrementGlobalNumbers(req.payload, 'audience-stats', { erasedSubscribers: 1, erasedWhileConfirmed: doc.status === 'confirmed' ? 1 : 0 }, req)
  req.payload.logger.info({ event: 'subscriber.erased', status: doc.status })
  return doc
}
