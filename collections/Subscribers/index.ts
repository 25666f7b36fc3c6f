import type { CollectionConfig, TextFieldSingleValidation } from 'payload'

import { isAdmin } from '../../src/access/isAdmin'
import { isStaff } from '../../src/access/isStaff'
import { subscriberCsvEndpoints } from '../../src/endpoints/subscriberCsv'
import { optionsFrom } from '../../src/fields/optionsFrom'
import { checkEmailAddress } from '../../src/subscribers/emailAddress'
import { isAcceptableName, NAME_RULE } from '../../src/subscribers/personName'
import { eraseDeliveries } from './hooks/eraseDeliveries'
import { generateManageSecret } from './hooks/generateManageSecret'
import { keepLegacyLinkIds } from './hooks/keepLegacyLinkIds'
import { normaliseEmail } from './hooks/normaliseEmail'
import { recordErasure } from './hooks/recordErasure'
import { setEmailKey } from './hooks/setEmailKey'
import { skipPendingDeliveries } from './hooks/skipPendingDeliveries'
import { collectionNames } from '../shared/collectionNames'

export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'bounced', 'complained'] as const

/**
 * A valid address, and no other subscriber with the same mailbox in any capitalisation:
 * said here on the `email` field, in words, rather than as the unique index's
 * "Value must be unique" on a field the form does not show.
 */
const validateEmail: TextFieldSingleValidation = async (value, { req, id }) => {
  const checked = checkEmailAddress(value)
  if (!checked.ok) return checked.message
  const other = await req.payload.db.findOne({
    collection: 'subscribers',
    where: { and: [{ emailKey: { equals: checked.key } }, ...(id !== undefined ? [{ id: { not_equals: id } }] : [])] },
    req,
  })
  return other ? `${checked.email} is already a subscriber (addresses are compared without regard to capitals).` : true
}

const validateName: TextFieldSingleValidation = (value) => (!value || isAcceptableName(value) ? true : NAME_RULE)

/**
 * People who receive the clinic's emails. Health interests are personal data: the public
 * can neither list nor read them (no public relationship points here either), editors may
 * read, only admins change or erase.
 */
export const Subscribers: CollectionConfig<'subscribers'> = {
  ...collectionNames('subscribers', ['Subscriber', 'Subscribers'], ['Subscriber', 'Subscribers']),
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
      index: true,
      validate: validateEmail,
      hooks: { beforeValidate: [normaliseEmail] },
      admin: { description: 'As the person typed it. One subscriber per mailbox: capitals do not count.' },
    },
    {
      // The mailbox's identity (the address lower-cased): unique, and what every lookup by
      // address uses. Derived from `email` on every save, so always set: not `required`
      // only so that API callers' types do not ask them for it.
      name: 'emailKey',
      type: 'text',
      unique: true,
      index: true,
      admin: { hidden: true },
      validate: (value: unknown) => (typeof value === 'string' && value ? true : 'A valid email address is required.'),
      hooks: { beforeValidate: [setEmailKey] },
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
      // When the latest confirmation email was asked for (a signup, an import): the reminder
      // and the purge of signups nobody confirmed count from here (jobs/subscribers).
      name: 'confirmationRequestedAt',
      type: 'date',
      index: true,
      admin: { position: 'sidebar', readOnly: true, date: { pickerAppearance: 'dayAndTime' }, description: 'When the latest confirmation email was sent.' },
    },
    {
      // At most one reminder per signup: set by the one worker that claims it; a new signup clears it.
      name: 'reminderSentAt',
      type: 'date',
      admin: { position: 'sidebar', readOnly: true, date: { pickerAppearance: 'dayAndTime' }, description: 'When the one reminder to confirm was sent.' },
    },
    {
      // Set when an admin lifts their suppression (collections/Suppressions): soft bounces before it no longer count.
      name: 'suppressionLiftedAt',
      type: 'date',
      admin: { position: 'sidebar', readOnly: true, description: 'When a suppression of this address was last lifted (see Suppression list).' },
    },
    {
      // The nonce in every confirmation link of the current signup: kept while pending, so
      // each email's link confirms until its own expiry; confirming or unsubscribing clears
      // it, so a link of an ended signup is recognised as used rather than as forged.
      name: 'confirmationNonce',
      type: 'text',
      admin: { hidden: true },
      access: { read: () => false, update: () => false, create: () => false },
    },
    {
      // The per-subscriber secret in every link (see src/subscribers/links.ts). Never
      // readable or writable through any API: only the server, reading the row directly.
      name: 'manageSecret',
      type: 'text',
      admin: { hidden: true },
      access: { read: () => false, update: () => false, create: () => false },
      hooks: { beforeChange: [generateManageSecret] },
    },
    {
      // ",12,40," : the ids whose id-only links (sent before per-subscriber secrets) still
      // open this subscriber. Written by the migration only; see SECURITY-subscribers.md.
      name: 'legacyLinkIds',
      type: 'text',
      admin: { hidden: true },
      access: { read: () => false, update: () => false, create: () => false },
      hooks: { beforeChange: [keepLegacyLinkIds] },
    },
  ],
  timestamps: true,
}
