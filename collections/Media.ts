import path from 'node:path'

import type { CollectionConfig } from 'payload'

import { anyone } from '../src/access/anyone'
import { isStaff } from '../src/access/isStaff'
import { bumpContentRevisionAfterChange, bumpContentRevisionAfterDelete } from '../src/hooks/bumpContentRevision'
import { tagPublicDocument, tagPublicLookup } from '../src/hooks/tagPublicRead'

export const Media: CollectionConfig<'media'> = {
  slug: 'media',
  admin: { group: 'Content' },
  access: {
    // Images are public once uploaded: front ends link them directly.
    read: anyone,
    create: isStaff,
    update: isStaff,
    delete: isStaff,
  },
  hooks: {
    // tagPublic*: what an anonymous answer contains, for the response cache and a CDN (src/cache/contentTags.ts).
    beforeOperation: [tagPublicLookup],
    afterRead: [tagPublicDocument],
    // Public content changed: clear the dependent entries of every app process's response cache (src/cache).
    afterChange: [bumpContentRevisionAfterChange],
    afterDelete: [bumpContentRevisionAfterDelete],
  },
  fields: [
    {
      name: 'alt',
      type: 'text',
      required: true,
      admin: { description: 'Describe the image for people using screen readers.' },
    },
    { name: 'caption', type: 'text' },
  ],
  upload: {
    // Relative to where the app runs (the repo root, or /app in the container), not to this
    // file: Next bundles it elsewhere. MEDIA_DIR moves uploads to a volume.
    staticDir: process.env.MEDIA_DIR || path.resolve('media'),
    mimeTypes: ['image/*'],
    focalPoint: true,
    adminThumbnail: 'thumbnail',
    imageSizes: [
      { name: 'thumbnail', width: 300, height: 300 },
      { name: 'card', width: 768, height: 512 },
      { name: 'hero', width: 1920, height: 800 },
      { name: 'og', width: 1200, height: 630 },
    ],
  },
}
