import { slugField, type CollectionConfig } from 'payload'

import { publishedContentCollection } from '../shared/publishedContent'
import { optionsLabelled } from '../../src/fields/optionsFrom'
import { publishedAtField } from '../../src/fields/publishedAt'
import { boundedRichText } from '../../src/fields/richText'
import { seoFields } from '../../src/fields/seo'
import { urlField } from '../../src/fields/url'
import { serviceJsonLd } from '../../src/jsonld/service'
import { fillBookingUrl } from './hooks/fillBookingUrl'
import { collectionNames } from '../shared/collectionNames'

export const SERVICE_CATEGORIES = optionsLabelled({
  medical: 'Medical massage',
  spa: 'Spa / relaxation massage',
  facial: 'Facial',
  'pre-post-operative': 'Pre/post-operative',
})

export const Services: CollectionConfig<'services'> = publishedContentCollection({
  ...collectionNames('services', ['Service', 'Services'], ['Service', 'Services']),
  jsonLd: serviceJsonLd,
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'category', '_status', 'updatedAt'] },
  defaultSort: 'name',
  defaultPopulate: { name: true, slug: true, category: true, summary: true },
  fields: [
    { name: 'name', type: 'text', required: true, maxLength: 120 },
    slugField({ useAsSlug: 'name' }),
    { name: 'category', type: 'select', required: true, options: SERVICE_CATEGORIES, defaultValue: 'medical' },
    { name: 'summary', type: 'textarea', maxLength: 400 },
    boundedRichText({ name: 'description' }),
    {
      name: 'options',
      type: 'array',
      labels: { singular: 'Option', plural: 'Durations and prices' },
      minRows: 1,
      fields: [
        {
          type: 'row',
          fields: [
            { name: 'durationMinutes', label: 'Duration (minutes)', type: 'number', required: true, min: 15, max: 240 },
            { name: 'price', label: 'Price (USD)', type: 'number', required: true, min: 0 },
          ],
        },
      ],
    },
    urlField({
      name: 'bookingUrl',
      admin: { description: "Leave empty to use the clinic's booking link." },
      hooks: { beforeChange: [fillBookingUrl] },
    }),
    { name: 'conditions', type: 'relationship', relationTo: 'conditions', hasMany: true, label: 'Conditions it addresses' },
    {
      name: 'insuranceDocumentation',
      type: 'checkbox',
      defaultValue: false,
      label: 'Insurance documentation available',
      admin: { description: 'The clinic can provide the paperwork patients need to claim this service.' },
    },
    seoFields(),
    publishedAtField(),
  ],
})
