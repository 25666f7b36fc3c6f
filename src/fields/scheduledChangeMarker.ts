import type { TextField } from 'payload'

/**
 * The id of the last scheduled change applied to this document, written in the same
 * update that publishes or unpublishes it. A worker that takes over an expired claim
 * finds it and knows the change is already applied: without it, a crash between
 * "publish" and "mark done" would publish a second time.
 */
export const scheduledChangeMarkerField = (): TextField => ({
  name: 'appliedScheduleId',
  type: 'text',
  admin: { hidden: true },
  access: { read: ({ req }) => Boolean(req.user) },
})
