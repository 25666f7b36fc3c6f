import { slugField, type CollectionConfig } from 'payload'

import { publishedContentCollection } from '../shared/publishedContent'
import { isStaffField } from '../../src/access/isStaff'
import { publishedAtField } from '../../src/fields/publishedAt'
import { boundedRichText } from '../../src/fields/richText'
import { seoFields } from '../../src/fields/seo'
import { articleJsonLd } from '../../src/jsonld/article'
import { copyAuthorName } from './hooks/copyAuthorName'
import { queueAnnouncement } from './hooks/queueAnnouncement'
import { collectionNames } from '../shared/collectionNames'

export const Articles: CollectionConfig<'articles'> = publishedContentCollection({
  ...collectionNames('articles', ['Article', 'Articles'], ['Article', 'Articles']),
  jsonLd: articleJsonLd,
  admin: { useAsTitle: 'title', defaultColumns: ['title', '_status', 'publishedAt', 'updatedAt'] },
  defaultSort: '-publishedAt',
  // List queries (and GraphQL at depth 0) return these for related documents.
  defaultPopulate: { title: true, slug: true, excerpt: true, heroImage: true, publishedAt: true },
  beforeChange: [copyAuthorName],
  // queueAnnouncement records the intent to email the article when it first goes live; the
  // worker creates and sends the announcement (jobs/newsletters/announcements.ts).
  afterChange: [queueAnnouncement],
  fields: [
    { name: 'title', type: 'text', required: true, maxLength: 200 },
    slugField(),
    {
      name: 'excerpt',
      type: 'textarea',
      maxLength: 300,
      admin: { description: 'One or two sentences shown in lists, emails and search results.' },
    },
    { name: 'heroImage', type: 'upload', relationTo: 'media' },
    boundedRichText({ name: 'content', required: true }),
    {
      type: 'row',
      fields: [
        { name: 'conditions', type: 'relationship', relationTo: 'conditions', hasMany: true },
        { name: 'services', type: 'relationship', relationTo: 'services', hasMany: true },
      ],
    },
    seoFields(),
    {
      name: 'author',
      type: 'relationship',
      relationTo: 'users',
      admin: { position: 'sidebar' },
    },
    {
      name: 'authorName',
      type: 'text',
      admin: { position: 'sidebar', readOnly: true, description: 'Copied from the author on save.' },
    },
    publishedAtField(),
    {
      name: 'emailSubscribers',
      type: 'checkbox',
      label: 'Email to subscribers when published',
      defaultValue: false,
      access: { read: isStaffField },
      admin: {
        position: 'sidebar',
        description:
          'Sent once, the moment the article first goes live (now or at its scheduled time), to subscribers of its conditions.',
      },
    },
    {
      name: 'announcement',
      type: 'relationship',
      relationTo: 'newsletters',
      access: { read: isStaffField, create: () => false, update: () => false },
      admin: { position: 'sidebar', readOnly: true, description: 'The announcement sent for this article.' },
    },
  ],
})
