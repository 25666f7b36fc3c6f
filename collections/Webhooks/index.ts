import type { CollectionConfig } from 'payload'

import { isAdmin } from '../../src/access/isAdmin'

export const WEBHOOK_EVENTS = ['publish', 'unpublish', 'update', 'delete'] as const
export const WEBHOOK_COLLECTIONS = ['articles', 'conditions', 'services', 'faqs'] as const

/**
 * Where to tell front ends that public content changed. Admin only: a webhook's secret
 * signs every delivery, and its URL is a request this server makes on their behalf.
 */
export const Webhooks: CollectionConfig<'webhooks'> = {
  slug: 'webhooks',
  labels: { singular: 'Webhook', plural: 'Webhooks' },
  graphQL: { singularName: 'Webhook', pluralName: 'Webhooks' },
  admin: {
    useAsTitle: 'name',
    defaultColumns: ['name', 'url', 'events', 'enabled'],
    group: 'Settings',
  },
  access: { read: isAdmin, create: isAdmin, update: isAdmin, delete: isAdmin },
  fields: [
    { name: 'name', type: 'text', required: true, maxLength: 100 },
    { name: 'url', type: 'text', required: true, maxLength: 2000 },
    {
      name: 'events',
      type: 'select',
      hasMany: true,
      required: true,
      defaultValue: [...WEBHOOK_EVENTS],
      options: WEBHOOK_EVENTS.map((value) => ({ label: value[0].toUpperCase() + value.slice(1), value })),
    },
    {
      name: 'collections',
      type: 'select',
      hasMany: true,
      required: true,
      defaultValue: [...WEBHOOK_COLLECTIONS],
      options: WEBHOOK_COLLECTIONS.map((value) => ({ label: value[0].toUpperCase() + value.slice(1), value })),
    },
    {
      name: 'secret',
      type: 'text',
      admin: { description: 'Signs every delivery (X-Webhook-Signature). Generated when left empty.' },
    },
    { name: 'enabled', type: 'checkbox', defaultValue: true, admin: { position: 'sidebar' } },
  ],
  timestamps: true,
}
