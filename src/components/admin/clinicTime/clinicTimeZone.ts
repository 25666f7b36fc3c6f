import type { Payload } from 'payload'
import { cache } from 'react'

import { DEFAULT_CLINIC_TIME_ZONE } from '../../../utilities/clinicTime'

/**
 * The clinic's timezone, read fresh for each admin page (once per server render: a list of
 * fifty rows with two date columns reads it once, not a hundred times).
 */
export const clinicTimeZone = cache(async (payload: Payload): Promise<string> => {
  const clinic = await payload.findGlobal({ slug: 'clinic', depth: 0, overrideAccess: true, select: { timezone: true } })
  return clinic?.timezone || DEFAULT_CLINIC_TIME_ZONE
})
