import { slugField, type CollectionConfig } from 'payload'

import { publishedContentCollection } from '../shared/publishedContent'
import { publishedAtField } from '../../src/fields/publishedAt'
import { boundedRichText } from '../../src/fields/richText'
import { seoFields } from '../../src/fields/seo'
import { TECHNIQUES } from '../../src/fields/techniques'
import { urlField } from '../../src/fields/url'
import { conditionJsonLd } from '../../src/jsonld/condition'
import { collectionNames } from '../shared/collectionNames'

export const Conditions: CollectionConfig<'conditions'> = publishedContentCollection({
  ...collectionNames('conditions', ['Condition', 'Conditions'], ['Condition', 'Conditions']),
  jsonLd: conditionJsonLd,
  admin: {
    useAsTitle: 'name',
    defaultColumns: ['name', '_status', 'medicalReview.lastReviewed', 'updatedAt'],
    description: 'Conditions the clinic treats. Each becomes a page with its symptoms, causes and how massage can help.',
  },
  defaultSort: 'name',
  defaultPopulate: { name: true, slug: true, summary: true },
  fields: [
    { name: 'name', type: 'text', required: true, maxLength: 120 },
    slugField({ useAsSlug: 'name' }),
    { name: 'summary', type: 'textarea', required: true, maxLength: 400 },
    {
      type: 'tabs',
      tabs: [
        {
          label: 'About the condition',
          fields: [
            {
              name: 'symptoms',
              type: 'array',
              labels: { singular: 'Symptom', plural: 'Symptoms' },
              fields: [{ name: 'symptom', type: 'text', required: true }],
            },
            {
              name: 'commonCauses',
              type: 'array',
              labels: { singular: 'Cause', plural: 'Common causes' },
              fields: [{ name: 'cause', type: 'text', required: true }],
            },
          ],
        },
        {
          label: 'Treatment',
          fields: [
            boundedRichText({ name: 'howMassageHelps' }),
            { name: 'techniques', type: 'select', hasMany: true, options: [...TECHNIQUES] },
            { name: 'relatedServices', type: 'relationship', relationTo: 'services', hasMany: true },
            {
              name: 'relatedArticles',
              type: 'join',
              collection: 'articles',
              on: 'conditions',
              defaultSort: '-publishedAt',
              defaultLimit: 10,
              admin: { defaultColumns: ['title', '_status', 'publishedAt'] },
            },
          ],
        },
        {
          label: 'Medical review',
          fields: [
            {
              name: 'medicalReview',
              type: 'group',
              fields: [
                { name: 'reviewedBy', type: 'text' },
                { name: 'credentials', type: 'text', admin: { description: 'For example LMT, CMMP.' } },
                { name: 'lastReviewed', type: 'date', admin: { date: { pickerAppearance: 'dayOnly' } } },
              ],
            },
            {
              name: 'citations',
              type: 'array',
              labels: { singular: 'Citation', plural: 'Evidence and citations' },
              fields: [
                { name: 'title', type: 'text', required: true },
                { name: 'source', type: 'text', admin: { description: 'Journal or publisher.' } },
                { name: 'year', type: 'number', min: 1800, max: 2100 },
                urlField({ name: 'url' }),
              ],
            },
          ],
        },
      ],
    },
    seoFields(),
    publishedAtField(),
  ],
})
