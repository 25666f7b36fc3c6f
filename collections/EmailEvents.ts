import type { CollectionConfig } from 'payload'

import { isAdmin } from '../src/access/isAdmin'
import { emailEventsEndpoints } from '../src/endpoints/emailEvents'
import { systemWrittenAccess } from '../src/access/nobody'
import { EMAIL_EVENT_PROVIDERS, EMAIL_EVENT_TYPES } from '../src/emailEvents/types'
import { optionsFrom } from '../src/fields/optionsFrom'
import { collectionNames } from './shared/collectionNames'

/**
 * Every bounce and complaint a provider reported for one of our subscribers
 * (src/emailEvents/apply.ts), once: `eventKey` is unique, so the provider's retries and a
 * replayed request have no second effect. Events for addresses we do not know are not kept
 * (nothing about strangers is stored). Holds addresses: admins only.
 */
export const EmailEvents: CollectionConfig<'email-events'> = {
  ...collectionNames('email-events', ['Email event', 'Email events'], ['EmailEvent', 'EmailEvents']),
  admin: {
    useAsTitle: 'email',
    defaultColumns: ['email', 'type', 'provider', 'occurredAt', 'effect', 'newsletter'],
    group: 'Newsletter',
    description: 'Bounces and complaints reported by the email provider.',
  },
  defaultSort: '-occurredAt',
  access: systemWrittenAccess(isAdmin),
  indexes: [{ fields: ['subscriber', 'type', 'occurredAt'] }],
  fields: [
    // `<provider>:<provider's event id>`
    { name: 'eventKey', type: 'text', required: true, unique: true, admin: { hidden: true } },
    { name: 'provider', type: 'select', required: true, options: optionsFrom(EMAIL_EVENT_PROVIDERS) },
    { name: 'type', type: 'select', required: true, index: true, options: optionsFrom(EMAIL_EVENT_TYPES) },
    { name: 'email', type: 'text', required: true },
    { name: 'subscriber', type: 'relationship', relationTo: 'subscribers', index: true },
    { name: 'newsletter', type: 'relationship', relationTo: 'newsletters', index: true },
    { name: 'messageId', type: 'text' },
    { name: 'reason', type: 'text' },
    { name: 'occurredAt', type: 'date', required: true, index: true, admin: { date: { pickerAppearance: 'dayAndTime' } } },
    { name: 'effect', type: 'text', admin: { description: 'What it changed: suppressed, counted, nothing (already suppressed)…' } },
  ],
  endpoints: emailEventsEndpoints,
  timestamps: true,
}
