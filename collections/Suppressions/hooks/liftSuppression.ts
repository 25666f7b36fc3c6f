import { APIError, type CollectionBeforeChangeHook } from 'payload'

import type { Suppression } from '../../../payload-types'

const MIN_REASON = 5

/**
 * An admin's save is a lift: it needs a reason, and it happens once. The state, time and
 * person are set here, never taken from the request.
 */
export const liftSuppression: CollectionBeforeChangeHook<Suppression> = ({ data, originalDoc, operation, req }) => {
  if (operation !== 'update' || !req.user) return data
  if (originalDoc?.state === 'lifted') throw new APIError('This suppression was already lifted.', 409, undefined, true)
  const reason = typeof data.liftReason === 'string' ? data.liftReason.trim() : ''
  if (reason.length < MIN_REASON) throw new APIError('Write why this address may receive mail again (at least 5 characters) to lift the suppression.', 400, undefined, true)
  return { ...data, liftReason: reason, state: 'lifted', liftedAt: new Date().toISOString(), liftedBy: req.user.id }
}
