import type { CollectionBeforeDeleteHook } from 'payload'

/**
 * A webhook's delivery log goes with it: every delivery names its webhook (required), so
 * the database refuses to delete a webhook that still has deliveries. Disable a webhook
 * instead to stop sending and keep its log.
 */
export const deleteDeliveryLog: CollectionBeforeDeleteHook = async ({ id, req }) => {
  await req.payload.db.deleteMany({ collection: 'webhook-deliveries', where: { webhook: { equals: id } }, req })
}
