import type { CollectionConfig } from 'payload'

import { internalCollection } from './shared/internalCollection'

/**
 * The change log of public content: one row per change (src/hooks/bumpContentRevision.ts),
 * with the tags it touches (src/cache/contentTags.ts) and the content-revision token written
 * with it. App processes read the rows of the last few minutes when the token changes, to
 * drop exactly the entries of their response caches that the changes touch
 * (src/cache/watchContentRevision.ts); rows older than an hour are deleted as new ones come.
 */
export const ContentChanges: CollectionConfig<'content-changes'> = {
  ...internalCollection('content-changes'),
  labels: { singular: 'Content change', plural: 'Content changes' },
  fields: [
    { name: 'revision', type: 'text', required: true },
    { name: 'tags', type: 'json', required: true },
    { name: 'changedAt', type: 'date', required: true, index: true },
  ],
}
