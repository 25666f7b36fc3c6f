import type { CollectionConfig } from 'payload'

import { isStaff } from '../../src/access/isStaff'
import { newsletterArchiveEndpoints } from '../../src/endpoints/newsletterArchive'
import { newsletterPreviewEndpoints } from '../../src/endpoints/newsletterPreview'
import { newsletterSendingEndpoints } from '../../src/endpoints/newsletterSending'
import { NEWSLETTER_STATUSES } from '../../jobs/newsletters/states'
import { newsletterPreviewFields, newsletterSendPanelField, shownElsewhere } from '../../src/fields/newsletterAdmin'
import { optionsFrom } from '../../src/fields/optionsFrom'
import { publishedOnly } from '../../src/fields/publishedOnly'
import { boundedRichText } from '../../src/fields/richText'
import { guardStatusTransitions } from './hooks/guardStatusTransitions'
import { validateNewsletterContent } from './hooks/validateNewsletterContent'
import { collectionNames } from '../shared/collectionNames'

export { NEWSLETTER_STATUSES }
export const NEWSLETTER_TEMPLATES = ['newsletter', 'article', 'digest'] as const

/**
 * A newsletter records intent (what to send, to whom, when) and the outcome of its send.
 * The worker (jobs/newsletters) owns every transition after `scheduled`; the admin and
 * REST only move it to `scheduled` (or pause/resume/cancel/retry through its endpoints).
 * See jobs/newsletters/states.ts for the state machine. The edit view is for composing: the
 * status, the send time and the pipeline's results are in the send panel and, once sending
 * has started, the delivery report (src/components/admin/newsletter), not in form fields.
 */
export const Newsletters: CollectionConfig<'newsletters'> = {
  ...collectionNames('newsletters', ['Newsletter', 'Newsletters'], ['Newsletter', 'Newsletters']),
  admin: { useAsTitle: 'subject', group: 'Newsletter', defaultColumns: ['subject', 'status', 'sendAt', 'counts.sent', 'updatedAt'] },
  defaultSort: '-updatedAt',
  access: { read: isStaff, create: isStaff, update: isStaff, delete: isStaff },
  hooks: {
    // Who may move a newsletter's status, and that a scheduled one has a subject, an audience and a time.
    beforeValidate: [guardStatusTransitions],
    // Template errors, unpublished articles and nothing to say are refused on save, not discovered at send time.
    beforeChange: [validateNewsletterContent],
  },
  fields: [
    { name: 'subject', type: 'text', required: true, maxLength: 200 },
    {
      name: 'preheader',
      type: 'text',
      maxLength: 200,
      admin: { description: 'The grey line inboxes show after the subject.' },
    },
    boundedRichText({ name: 'intro' }),
    {
      name: 'featuredArticles',
      type: 'relationship',
      relationTo: 'articles',
      hasMany: true,
      // A draft is never emailed, so the picker offers only published articles and a save
      // with another one is refused, naming it.
      ...publishedOnly({ relationTo: 'articles', titleField: 'title', singular: 'article', plural: 'articles', usedAs: 'featured' }),
      admin: { description: 'Only published articles can be featured. Shown in this order, each with its image, excerpt and a link.' },
    },
    {
      type: 'row',
      fields: [
        {
          name: 'audience',
          type: 'select',
          required: true,
          defaultValue: 'all',
          options: [
            { label: 'All confirmed subscribers', value: 'all' },
            { label: 'Subscribers interested in these conditions', value: 'topics' },
          ],
        },
        {
          name: 'audienceTopics',
          type: 'relationship',
          relationTo: 'conditions',
          hasMany: true,
          admin: {
            condition: (_, siblingData) => siblingData?.audience === 'topics',
            description: 'Subscribers with no topics chosen want everything, so they are included too.',
          },
        },
      ],
    },
    ...newsletterPreviewFields,
    newsletterSendPanelField,
    {
      name: 'template',
      type: 'select',
      required: true,
      defaultValue: 'newsletter',
      options: optionsFrom(NEWSLETTER_TEMPLATES),
      admin: { position: 'sidebar' },
    },
    {
      name: 'webVersion',
      type: 'checkbox',
      defaultValue: true,
      admin: {
        position: 'sidebar',
        description:
          'Once sent, a copy without any reader’s name or links is public at /email/newsletters/<id> (and in the archive, GET /api/newsletters/archive), linked as “View in browser” at the top of the email. Untick to keep this newsletter out of the archive.',
      },
    },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'draft',
      index: true,
      options: optionsFrom(NEWSLETTER_STATUSES),
      // Changed only by the send panel's buttons (schedule, send now, back to draft, pause…).
      admin: { position: 'sidebar', readOnly: true, components: shownElsewhere },
    },
    {
      name: 'sendAt',
      type: 'date',
      index: true,
      // Picked and shown on the clinic's clock in the send panel.
      admin: { position: 'sidebar', readOnly: true, date: { pickerAppearance: 'dayAndTime' }, components: shownElsewhere },
    },
    {
      name: 'sourceArticle',
      type: 'relationship',
      relationTo: 'articles',
      admin: {
        position: 'sidebar',
        readOnly: true,
        description: 'The article this announcement was made for.',
        condition: (data) => Boolean(data?.sourceArticle),
      },
    },
    {
      name: 'digestSince',
      type: 'date',
      admin: { position: 'sidebar', readOnly: true, condition: (data) => data?.template === 'digest' },
    },
    // What the send did: written by the worker, shown by the delivery report.
    {
      name: 'counts',
      type: 'group',
      admin: { readOnly: true, components: shownElsewhere },
      fields: [
        {
          type: 'row',
          fields: [
            { name: 'recipients', type: 'number', defaultValue: 0 },
            { name: 'sent', type: 'number', defaultValue: 0 },
            { name: 'failed', type: 'number', defaultValue: 0 },
            { name: 'bounced', type: 'number', defaultValue: 0 },
            { name: 'complained', type: 'number', defaultValue: 0 },
            { name: 'unknown', type: 'number', defaultValue: 0 },
            { name: 'skipped', type: 'number', defaultValue: 0 },
          ],
        },
      ],
    },
    { name: 'startedAt', type: 'date', admin: { position: 'sidebar', readOnly: true, components: shownElsewhere } },
    { name: 'finishedAt', type: 'date', admin: { position: 'sidebar', readOnly: true, components: shownElsewhere } },
    {
      name: 'note',
      type: 'text',
      admin: {
        readOnly: true,
        description: 'What the sender wants you to know (why it paused, why it failed).',
        components: shownElsewhere,
      },
    },
    // Pipeline bookkeeping: written by the worker only.
    {
      name: 'snapshotDone',
      type: 'checkbox',
      defaultValue: false,
      admin: { hidden: true },
    },
    { name: 'snapshotCursor', type: 'text', admin: { hidden: true } },
    { name: 'leaseOwner', type: 'text', index: true, admin: { hidden: true } },
    { name: 'leaseExpiresAt', type: 'date', index: true, admin: { hidden: true } },
  ],
  endpoints: [...newsletterArchiveEndpoints, ...newsletterPreviewEndpoints, ...newsletterSendingEndpoints],
  timestamps: true,
}
