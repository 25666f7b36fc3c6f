import type { DateField, FieldHook } from 'payload'

/** Stamp the first publish time, like Ghost and the Payload website template do. */
const stampPublishedAt: FieldHook = ({ value, siblingData }) => {
  if (siblingData?._status === 'published' && !value) return new Date().toISOString()
  return value
}

export const publishedAtField = (): DateField => ({
  name: 'publishedAt',
  type: 'date',
  index: true,
  admin: {
    position: 'sidebar',
    date: { pickerAppearance: 'dayAndTime' },
    description: 'Set automatically the first time this is published.',
  },
  hooks: { beforeChange: [stampPublishedAt] },
})
