import type { CollectionBeforeDeleteHook } from 'payload'

import { anonymiseDeliveriesOf } from '../../../jobs/newsletters/store'

/**
 * Erasure reaches the send log too: before the subscriber goes, their deliveries lose the
 * address and the link to them (the newsletter's counts stay right), and a queued one is
 * skipped.
 */
export const eraseDeliveries: CollectionBeforeDeleteHook = async ({ id, req }) => {
  if (req.context?.skipDeliveryErasure === true) return
  await anonymiseDeliveriesOf(req.payload, id)
}
