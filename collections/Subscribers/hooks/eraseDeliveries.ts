import type { CollectionBeforeDeleteHook } from 'payload'

import { deleteOutboxRowsOf } from '../../../emails/outbox/store'
import { anonymiseDeliveriesOf } from '../../../jobs/newsletters/store/subscribers'

/**
 * Erasure reaches the send logs too: before the subscriber goes, their deliveries lose the
 * address and the link to them (the newsletter's counts stay right), and a queued one is
 * skipped; their transactional emails (confirmations, welcome: addresses and live links) go.
 */
export const eraseDeliveries: CollectionBeforeDeleteHook = async ({ id, req }) => {
  await anonymiseDeliveriesOf(req.payload, id)
  await deleteOutboxRowsOf(req.payload, id)
}
