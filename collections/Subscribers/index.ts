import type { CollectionConfig, TextFieldSingleValidation } from 'payload'

import { isAdmin } from '../../src/access/isAdmin'
import { isStaff } from '../../src/access/isStaff'
import { subscriberCsvEndpoints } from '../../src/endpoints/subscriberCsv'
import { optionsFrom } from '../../src/fields/optionsFrom'
import { checkEmailAddress } from '../../src/subscribers/emailAddress'
import { isAcceptableName, NAME_RULE } from '../../src/subscribers/personName'
import { eraseDeliveries } from './hooks/eraseDeliveries'
import { normaliseEmail } from './hooks/normaliseEmail'
import { recordErasure } from './hooks/recordErasure'
import { skipPendingDeliveries } from './hooks/skipPendingDeliveries'

export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'bounced', 'complained'] as const

const validateEmail: TextFieldSingleValidation = (value) => {
  const checked = checkEmailAddress(value)
  return checked.ok ? true : checked.message
}

const validateName: TextFieldSingleValidation = (value) => (!value || isAcceptableName(value) ? true : NAME_RULE)

/**
 * People who receive the clinic's emails. Health interests are personal data: the public
 * can neither list nor read them (no public relationship points here either), editors may
 * read, only admins change or erase.
 */
export const Subscribers: CollectionConfig<'subscribers'> = {
  slug: 'subscribers',
  labels: { singular: 'Subscriber', plural: 'Subscribers' },
  graphQL: { singularName: 'Subscriber', pluralName: 'Subscribers' },
  admin: {
    useAsTitle: 'email',
    defaultColumns: ['email', 'name', 'status', 'confirmedAt', 'topics'],
    group: 'Newsletter',
    components: {
      beforeListTable: ['/src/components/admin/SubscriberCsvTools#SubscriberCsvTools'],
    },
  },
  endpoints: subscriberCsvEndpoints,
  hooks: { afterChange: [skipPendingDeliveries], beforeDelete: [eraseDeliveries], afterDelete: [recordErasure] },
  access: {
    read: isStaff,
    create: isAdmin,
    update: isAdmin,
    delete: isAdmin,
  },
  fields: [
    {
      name: 'email',
      type: 'text',
      required: true,
      unique: true,
      index: true,
      validate: validateEmail,
      hooks: { beforeValidate: [normaliseEmail] },
    },
    { name: 'name', type: 'text', maxLength: 100, validate: validateName },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'pending',
      index: true,
      options: optionsFrom(SUBSCRIBER_STATUSES),
      admin: { position: 'sidebar' },
    },
    {
      name: 'topics',
      type: 'relationship',
      relationTo: 'conditions',
      hasMany: true,
      admin: { description: 'Conditions they want news about. Empty means everything.' },
    },
    {
      name: 'consent',
      type: 'group',
      admin: { description: 'What they agreed to, when and where: kept as proof of consent.' },
      fields: [
        { name: 'at', type: 'date', admin: { date: { pickerAppearance: 'dayAndTime' } } },
        { name: 'ip', type: 'text' },
        { name: 'userAgent', type: 'text' },
        { name: 'source', type: 'text', admin: { description: 'Where they signed up: a form, an import…' } },
        { name: 'text', type: 'textarea', admin: { description: 'The consent wording they saw.' } },
        { name: 'version', type: 'text' },
      ],
    },
    { name: 'confirmedAt', type: 'date', admin: { position: 'sidebar', readOnly: true } },
    { name: 'unsubscribedAt', type: 'date', admin: { position: 'sidebar', readOnly: true } },
    { name: 'bounceCount', type: 'number', defaultValue: 0, min: 0, admin: { position: 'sidebar', readOnly: true } },
    {
      // The nonce of the one confirmation link still valid; confirming clears it, so a
      // reused link is recognised as used rather than as forged.
      name: 'confirmationNonce',
      type: 'text',
      admin: { hidden: true },
      access: { read: () => false, update: () => false, create: () => false },
    },
  ],
  timestamps: true,
}
