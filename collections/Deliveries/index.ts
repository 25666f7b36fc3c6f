import type { CollectionConfig } from 'payload'

import { isAdmin } from '../../src/access/isAdmin'
import { systemWrittenAccess } from '../../src/access/nobody'
import { optionsFrom } from '../../src/fields/optionsFrom'
import { DELIVERY_STATUSES } from '../../jobs/newsletters/counts'
import { collectionNames } from '../shared/collectionNames'

/**
 * One newsletter to one subscriber: the unit of exactly-once. The database refuses a second
 * row for the same pair, so a snapshot retried after a crash cannot queue anyone twice.
 * Written by the worker only; admins can read it (it holds addresses).
 */
export const Deliveries: CollectionConfig<'deliveries'> = {
  ...collectionNames('deliveries', ['Delivery', 'Deliveries'], ['Delivery', 'Deliveries']),
  admin: {
    useAsTitle: 'email',
    defaultColumns: ['email', 'newsletter', 'status', 'attempts', 'smtpResponse', 'sentAt'],
    group: 'Newsletter',
  },
  defaultSort: '-updatedAt',
  access: systemWrittenAccess(isAdmin),
  indexes: [
    { fields: ['newsletter', 'subscriber'], unique: true },
    { fields: ['newsletter', 'status'] },
  ],
  fields: [
    { name: 'newsletter', type: 'relationship', relationTo: 'newsletters', required: true, index: true },
    { name: 'subscriber', type: 'relationship', relationTo: 'subscribers', index: true },
    { name: 'email', type: 'text', required: true, admin: { description: 'The address used for this send.' } },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'queued',
      index: true,
      options: optionsFrom(DELIVERY_STATUSES),
    },
    { name: 'attempts', type: 'number', defaultValue: 0 },
    { name: 'nextAttemptAt', type: 'date', index: true },
    { name: 'lastError', type: 'text' },
    { name: 'smtpResponse', type: 'text' },
    // Indexed: a provider's bounce or complaint names the delivery by its Message-ID (src/emailEvents/apply.ts).
    { name: 'messageId', type: 'text', index: true },
    { name: 'sentAt', type: 'date' },
    { name: 'leaseOwner', type: 'text', admin: { hidden: true } },
  ],
  timestamps: true,
}
