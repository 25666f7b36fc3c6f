import type { CollectionBeforeDeleteHook } from 'payload'

import { anonymiseDeliveriesOf } from '../../../jobs/newsletters/store/subscribers'

/**
 * Erasure reaches the send log too: before the subscriber goes, their deliveries lose the
 * address and the link to them (the newsletter's counts stay right), and a queued one is
 * skipped.
 */
export const eraseDeliveries: CollectionBeforeDeleteHook = async ({ id, req }) => {
  await anonymiseDeliveriesOf(req.payload, id)
}
