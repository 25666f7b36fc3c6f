import { cache } from 'react'

import { readClinicTimeZone } from '../../../utilities/clinicTime'

/**
 * The clinic's timezone, read fresh for each admin page (once per server render: a list of
 * fifty rows with two date columns reads it once, not a hundred times).
 */
export const clinicTimeZone = cache(readClinicTimeZone)
