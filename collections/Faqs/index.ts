import type { CollectionConfig } from 'payload'

import { publishedContentCollection } from '../shared/publishedContent'
import { publishedAtField } from '../../src/fields/publishedAt'
import { optionsFrom } from '../../src/fields/optionsFrom'
import { boundedRichText } from '../../src/fields/richText'
import { faqJsonLd } from '../../src/jsonld/faq'
import { collectionNames } from '../shared/collectionNames'

export const FAQ_CATEGORIES = optionsFrom(['insurance', 'booking', 'treatment', 'general'])

export const Faqs: CollectionConfig<'faqs'> = publishedContentCollection({
  // GraphQL `Faq`/`Faqs`: from the label "FAQs" Payload would make `FAQ`/`FAQs`.
  ...collectionNames('faqs', ['FAQ', 'FAQs'], ['Faq', 'Faqs']),
  jsonLd: faqJsonLd,
  admin: { useAsTitle: 'question', defaultColumns: ['question', 'category', 'order', '_status'] },
  defaultSort: 'order',
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
  ],
})
