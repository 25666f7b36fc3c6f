import type { GlobalConfig } from 'payload'

import { isStaff } from '../src/access/isStaff'

/**
 * The audience at a glance. The live numbers at the top are counted from the subscribers
 * list when the page opens (src/components/admin/AudienceNumbers.tsx); the two stored
 * numbers below are anonymous counts that outlive erased subscribers: erasing someone
 * removes every personal detail, and only these numbers remember that they existed.
 */
export const AudienceStats: GlobalConfig<'audience-stats'> = {
  slug: 'audience-stats',
  label: 'Audience statistics',
  graphQL: { name: 'AudienceStats' },
  admin: { group: 'Newsletter', description: 'How many people are on the newsletter list, by status. Counts only: no names or addresses.' },
  access: { read: isStaff, update: () => false },
  fields: [
    {
      name: 'audienceNumbers',
      type: 'ui',
      admin: { components: { Field: '/src/components/admin/AudienceNumbers#AudienceNumbers' } },
    },
    {
      name: 'erasedSubscribers',
      type: 'number',
      label: 'Erased subscribers (all time)',
      defaultValue: 0,
      admin: {
        readOnly: true,
        description: 'People whose details were deleted for good, at their request or by an admin. They are not counted above: only this number remains.',
      },
    },
    {
      name: 'erasedWhileConfirmed',
      type: 'number',
      label: 'Of whom were confirmed subscribers',
      defaultValue: 0,
      admin: { readOnly: true, description: 'How many of the erased people were confirmed (receiving newsletters) when they were erased.' },
    },
    {
      name: 'purgedUnconfirmed',
      type: 'number',
      label: 'Of whom never confirmed (removed automatically)',
      defaultValue: 0,
      admin: {
        readOnly: true,
        description: 'Signups nobody confirmed, deleted by the worker once their confirmation email was older than SUBSCRIBE_PENDING_DAYS (30 days by default).',
      },
    },
  ],
}
