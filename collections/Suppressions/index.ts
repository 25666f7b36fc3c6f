import type { CollectionConfig } from 'payload'

import { isAdmin } from '../../src/access/isAdmin'
import type { FieldAccess } from 'payload'
import { nobody } from '../../src/access/nobody'
import { optionsFrom } from '../../src/fields/optionsFrom'
import { collectionNames } from '../shared/collectionNames'
import { liftSuppression } from './hooks/liftSuppression'
import { restoreLiftedSubscriber } from './hooks/restoreLiftedSubscriber'

export const SUPPRESSION_KINDS = ['hard_bounce', 'soft_bounces', 'complaint'] as const
export const SUPPRESSION_SOURCES = ['smtp', 'ses', 'postmark', 'mailgun', 'sendgrid', 'generic'] as const
export const SUPPRESSION_STATES = ['active', 'lifted'] as const

// Written by the system only: the lift hook sets state, time and person, never the request.
const noOne: FieldAccess = () => false
const fixed = { update: noOne, create: noOne }

/**
 * The suppression list: addresses that get no mail any more, why, from which source, since
 * when. Written by the system (a bounce at send time, a provider's event). An admin lifts one
 * by writing why in `liftReason` and saving: the subscriber is confirmed again (or, if they
 * never confirmed, unsubscribed) and the lift is kept with who and when.
 */
export const Suppressions: CollectionConfig<'suppressions'> = {
  ...collectionNames('suppressions', ['Suppression', 'Suppression list'], ['Suppression', 'Suppressions']),
  admin: {
    useAsTitle: 'email',
    defaultColumns: ['email', 'kind', 'source', 'reason', 'suppressedAt', 'state'],
    group: 'Newsletter',
    description: 'Addresses that receive nothing because they bounced or complained. To lift one, open it, write why and save.',
  },
  defaultSort: '-suppressedAt',
  access: { read: isAdmin, create: nobody, update: isAdmin, delete: nobody },
  hooks: { beforeChange: [liftSuppression], afterChange: [restoreLiftedSubscriber] },
  fields: [
    { name: 'email', type: 'text', required: true, access: fixed, admin: { readOnly: true } },
    { name: 'subscriber', type: 'relationship', relationTo: 'subscribers', index: true, access: fixed, admin: { readOnly: true } },
    { name: 'kind', type: 'select', required: true, options: optionsFrom(SUPPRESSION_KINDS), access: fixed, admin: { readOnly: true } },
    { name: 'source', type: 'select', required: true, options: optionsFrom(SUPPRESSION_SOURCES), access: fixed, admin: { readOnly: true } },
    { name: 'reason', type: 'text', access: fixed, admin: { readOnly: true } },
    { name: 'suppressedAt', type: 'date', required: true, access: fixed, admin: { readOnly: true, date: { pickerAppearance: 'dayAndTime' } } },
    {
      name: 'state',
      type: 'select',
      required: true,
      defaultValue: 'active',
      index: true,
      options: optionsFrom(SUPPRESSION_STATES),
      access: fixed,
      admin: { readOnly: true, position: 'sidebar' },
    },
    {
      name: 'liftReason',
      type: 'textarea',
      maxLength: 500,
      admin: { description: 'Why mail may go to this address again (e.g. "Patient fixed their mailbox, asked by phone on 3 Dec").' },
    },
    { name: 'liftedAt', type: 'date', access: fixed, admin: { readOnly: true, position: 'sidebar' } },
    { name: 'liftedBy', type: 'relationship', relationTo: 'users', access: fixed, admin: { readOnly: true, position: 'sidebar' } },
  ],
  timestamps: true,
}
