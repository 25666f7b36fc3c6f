import type { CollectionConfig } from 'payload'

import { authenticatedOrPublished } from '../../src/access/authenticatedOrPublished'
import { isStaff } from '../../src/access/isStaff'
import { scheduleEndpoints } from '../../src/endpoints/schedule'
import { bumpContentRevisionAfterChange, bumpContentRevisionAfterDelete } from '../../src/hooks/bumpContentRevision'
import { ignoreDraftFlagForPublic } from '../../src/hooks/ignoreDraftFlagForPublic'
import { recordContentChange, recordContentDelete, rememberPublicState } from '../../src/webhooks/recordContentEvent'
import { jsonLdField } from '../../src/fields/jsonLd'
import { publishedAtField } from '../../src/fields/publishedAt'
import { boundedRichText } from '../../src/fields/richText'
import { scheduledChangeMarkerField } from '../../src/fields/scheduledChangeMarker'
import { faqJsonLd } from '../../src/jsonld/faq'

export const FAQ_CATEGORIES = [
  { label: 'Insurance', value: 'insurance' },
  { label: 'Booking', value: 'booking' },
  { label: 'Treatment', value: 'treatment' },
  { label: 'General', value: 'general' },
]

export const Faqs: CollectionConfig<'faqs'> = {
  slug: 'faqs',
  labels: { singular: 'FAQ', plural: 'FAQs' },
  // Without this, the label "FAQs" would give GraphQL type names like `FAQ`/`FAQs`.
  graphQL: { singularName: 'Faq', pluralName: 'Faqs' },
  admin: {
    useAsTitle: 'question',
    defaultColumns: ['question', 'category', 'order', '_status'],
    group: 'Content',
  },
  defaultSort: 'order',
  access: {
    read: authenticatedOrPublished,
    readVersions: isStaff,
    create: isStaff,
    update: isStaff,
    delete: isStaff,
  },
  endpoints: scheduleEndpoints,
  hooks: {
    beforeOperation: [ignoreDraftFlagForPublic],
    beforeChange: [rememberPublicState],
    // bumpContentRevision*: public content changed, clear every app process's response cache (src/cache).
    afterChange: [bumpContentRevisionAfterChange, recordContentChange],
    afterDelete: [bumpContentRevisionAfterDelete, recordContentDelete],
  },
  fields: [
    { name: 'question', type: 'text', required: true, maxLength: 300 },
    boundedRichText({ name: 'answer', required: true }),
    {
      type: 'row',
      fields: [
        { name: 'category', type: 'select', required: true, options: FAQ_CATEGORIES, defaultValue: 'general' },
        { name: 'order', type: 'number', defaultValue: 0, admin: { description: 'Lower numbers come first.' } },
      ],
    },
    {
      type: 'row',
      fields: [
        { name: 'relatedConditions', type: 'relationship', relationTo: 'conditions', hasMany: true },
        { name: 'relatedServices', type: 'relationship', relationTo: 'services', hasMany: true },
      ],
    },
    publishedAtField(),
    scheduledChangeMarkerField(),
    jsonLdField(faqJsonLd),
  ],
  versions: {
    drafts: { autosave: { interval: 800 }, schedulePublish: true },
    maxPerDoc: 50,
  },
}
