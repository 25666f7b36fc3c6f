import type { CollectionConfig } from 'payload'

import { isAdmin } from '../../src/access/isAdmin'
import { systemWrittenAccess } from '../../src/access/nobody'
import { optionsFrom } from '../../src/fields/optionsFrom'

export const ALERT_KINDS = ['worker-missing', 'schedule-failed', 'newsletter-paused', 'newsletter-failed', 'webhook-failing'] as const
export const ALERT_STATES = ['open', 'resolved'] as const
/**
 * The opening email: `pending` → `sending` (claimed by one app process, under a lease) →
 * `sent`; `skipped` when the incident cleared before anyone was told. The recovery email:
 * `none` while open, then `pending` → `sending` → `sent` (or `skipped` when the opening
 * email never went).
 */
export const ALERT_EMAIL_STATES = ['none', 'pending', 'sending', 'sent', 'skipped'] as const

/**
 * Incidents the app's watchdog found (src/alerts): explicit state, so that every app process
 * (WEB_CONCURRENCY, the warm spare) agrees on one row and one email per incident. `key`
 * (`kind:subject`) is unique while the incident is open; resolving renames it
 * (`…@<resolvedAt>`) so the same problem can open again later as a new incident.
 * Admins can read them (Settings → Alerts); only the watchdog writes.
 */
export const Alerts: CollectionConfig<'alerts'> = {
  slug: 'alerts',
  labels: { singular: 'Alert', plural: 'Alerts' },
  graphQL: false,
  admin: {
    group: 'Settings',
    useAsTitle: 'title',
    defaultColumns: ['title', 'kind', 'state', 'openedAt', 'resolvedAt', 'openingEmail'],
    description: 'Problems the system noticed by itself (no worker, failed schedules or newsletters, failing webhooks), and when admins were told.',
  },
  defaultSort: '-openedAt',
  access: systemWrittenAccess(isAdmin),
  fields: [
    { name: 'key', type: 'text', required: true, unique: true, admin: { readOnly: true } },
    { name: 'kind', type: 'select', required: true, index: true, options: optionsFrom(ALERT_KINDS), admin: { readOnly: true } },
    { name: 'subject', type: 'text', admin: { readOnly: true, description: 'What it is about: a job, newsletter or webhook id.' } },
    { name: 'title', type: 'text', required: true, admin: { readOnly: true } },
    { name: 'detail', type: 'textarea', admin: { readOnly: true } },
    { name: 'state', type: 'select', required: true, defaultValue: 'open', index: true, options: optionsFrom(ALERT_STATES), admin: { readOnly: true } },
    { name: 'openedAt', type: 'date', required: true, admin: { readOnly: true, date: { pickerAppearance: 'dayAndTime' } } },
    { name: 'resolvedAt', type: 'date', admin: { readOnly: true, date: { pickerAppearance: 'dayAndTime' } } },
    { name: 'openingEmail', type: 'select', required: true, defaultValue: 'pending', index: true, options: optionsFrom(ALERT_EMAIL_STATES), admin: { readOnly: true } },
    { name: 'recoveryEmail', type: 'select', required: true, defaultValue: 'none', index: true, options: optionsFrom(ALERT_EMAIL_STATES), admin: { readOnly: true } },
    { name: 'notifiedAt', type: 'date', admin: { readOnly: true, date: { pickerAppearance: 'dayAndTime' } } },
    { name: 'recoveryNotifiedAt', type: 'date', admin: { readOnly: true, date: { pickerAppearance: 'dayAndTime' } } },
    { name: 'emailLeaseOwner', type: 'text', admin: { hidden: true } },
    { name: 'emailLeaseExpiresAt', type: 'date', admin: { hidden: true } },
  ],
  timestamps: true,
}
