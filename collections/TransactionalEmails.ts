import type { CollectionConfig, FieldAccess } from 'payload'

import { isStaff } from '../src/access/isStaff'
import { systemWrittenAccess } from '../src/access/nobody'
import { optionsLabelled } from '../src/fields/optionsFrom'
import { collectionNames } from './shared/collectionNames'

/** What each row is (emails/outbox: who records which). */
export const TRANSACTIONAL_KINDS = {
  confirmation: 'Confirm subscription',
  'already-subscribed': 'Already subscribed',
  welcome: 'Welcome',
  reminder: 'Signup reminder',
  'password-reset': 'Password reset',
  system: 'Other system email',
} as const

/**
 * The outbox's states (emails/outbox/attempt.ts):
 * queued → sending → sent; a failed attempt the server certainly did not take → retrying (the
 * worker tries again at `nextAttemptAt`) and, after the last allowed attempt or a permanent
 * refusal, failed; skipped when the address is suppressed; unknown when the sender stopped
 * mid-send (the server may have taken it: never sent again, so never twice).
 */
export const TRANSACTIONAL_STATUSES = {
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  retrying: 'Retrying',
  failed: 'Failed',
  skipped: 'Skipped (suppressed)',
  unknown: 'Unknown (interrupted)',
} as const

// The message holds live links (confirm, password reset): nobody reads it through an API; the sender reads the row directly.
const noOne: FieldAccess = () => false

/**
 * Durable transactional mail: every confirmation, already-subscribed, welcome, reminder and
 * password-reset email is a row here before it is attempted, sent once, and retried by the
 * worker when an attempt failed or its process died before trying. Staff see failures here;
 * the message itself stays private.
 */
export const TransactionalEmails: CollectionConfig<'transactional-emails'> = {
  ...collectionNames('transactional-emails', ['Transactional email', 'Transactional emails'], ['TransactionalEmail', 'TransactionalEmails']),
  admin: {
    useAsTitle: 'subject',
    defaultColumns: ['to', 'kind', 'status', 'attempts', 'lastError', 'nextAttemptAt', 'createdAt', 'sentAt'],
    group: 'Newsletter',
    description: 'Confirmation, welcome, reminder and password-reset emails. Each is recorded before it is sent, and retried by the worker when sending failed.',
  },
  defaultSort: '-createdAt',
  access: systemWrittenAccess(isStaff),
  fields: [
    { name: 'kind', type: 'select', required: true, options: optionsLabelled(TRANSACTIONAL_KINDS) },
    { name: 'to', type: 'text', required: true },
    { name: 'subscriber', type: 'relationship', relationTo: 'subscribers', index: true },
    { name: 'subject', type: 'text', required: true },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'queued',
      index: true,
      options: optionsLabelled(TRANSACTIONAL_STATUSES),
    },
    { name: 'attempts', type: 'number', defaultValue: 0 },
    { name: 'nextAttemptAt', type: 'date', index: true, admin: { date: { pickerAppearance: 'dayAndTime' } } },
    { name: 'sendingSince', type: 'date', admin: { hidden: true } },
    { name: 'sentAt', type: 'date', admin: { date: { pickerAppearance: 'dayAndTime' } } },
    { name: 'smtpResponse', type: 'text' },
    { name: 'lastError', type: 'text' },
    // { html, text, headers }: exactly what is sent, so a retry sends the same message.
    { name: 'message', type: 'json', required: true, access: { read: noOne, create: noOne, update: noOne }, admin: { hidden: true } },
  ],
  timestamps: true,
}
