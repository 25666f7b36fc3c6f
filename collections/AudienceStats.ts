import type { GlobalConfig } from 'payload'

import { isStaff } from '../src/access/isStaff'

/**
 * Anonymous counts that outlive erased subscribers: erasing someone removes every
 * personal detail, and only this number remembers that they existed.
 */
export const AudienceStats: GlobalConfig<'audience-stats'> = {
  slug: 'audience-stats',
  label: 'Audience statistics',
  graphQL: { name: 'AudienceStats' },
  admin: { group: 'Newsletter' },
  access: { read: isStaff, update: () => false },
  fields: [
    { name: 'erasedSubscribers', type: 'number', defaultValue: 0, admin: { readOnly: true } },
    { name: 'erasedWhileConfirmed', type: 'number', defaultValue: 0, admin: { readOnly: true } },
  ],
}
