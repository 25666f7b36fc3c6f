import type { FieldHook } from 'payload'

/**
 * An empty booking link falls back to the clinic's, copied at save time so that a later
 * change to the clinic's link does not silently rewrite every service.
 */
export const fillBookingUrl: FieldHook = async ({ value, req }) => {
  if (value) return value
  const clinic = await req.payload.findGlobal({ slug: 'clinic', depth: 0, req, overrideAccess: true })
  return clinic?.bookingUrl || value
}
