import type { CollectionAfterChangeHook } from 'payload'

import { skipQueuedDeliveriesOf } from '../../../jobs/newsletters/store/subscribers'
import type { Subscriber } from '../../../payload-types'

/**
 * An unsubscribe (or bounce, or complaint) during a send is honoured at once: the
 * subscriber's queued deliveries become `skipped`, and the worker only sends rows it can
 * move from `queued` to `sending`. (The worker also re-reads statuses as it goes.)
 */
export const skipPendingDeliveries: CollectionAfterChangeHook<Subscriber> = async ({ doc, previousDoc, operation, req }) => {
  if (operation !== 'update' || doc.status === 'confirmed' || previousDoc?.status !== 'confirmed') return doc
  await skipQueuedDeliveriesOf(req.payload, doc.id, `Subscriber became ${doc.status} before their turn.`)
  return doc
}
