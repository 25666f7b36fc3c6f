import type { Field } from 'payload'

/**
 * Search and social metadata. Front ends fall back to the document's own title and
 * excerpt/summary when these are empty, so they are optional.
 */
export const seoFields = (): Field => ({
  name: 'seo',
  type: 'group',
  label: 'SEO',
  admin: { description: 'Optional: overrides the title, description and image used by search engines and social sites.' },
  fields: [
    { name: 'title', type: 'text', maxLength: 70, admin: { description: 'Up to about 60 characters.' } },
    { name: 'description', type: 'textarea', maxLength: 200, admin: { description: 'Up to about 155 characters.' } },
    { name: 'image', type: 'upload', relationTo: 'media' },
  ],
})
