import type { CollectionConfig } from 'payload'

import { isAdmin } from '../../src/access/isAdmin'
import { webhookEndpoints } from '../../src/endpoints/webhooks'
import { optionsFrom } from '../../src/fields/optionsFrom'
import { generateWebhookSecret, MIN_SECRET_LENGTH } from '../../src/webhooks/signature'
import { MAX_WEBHOOK_URL_LENGTH, webhookUrlProblem } from '../../src/webhooks/targetUrl'
import { PUBLISHED_CONTENT_COLLECTIONS } from '../shared/publishedContentSlugs'
import { deleteDeliveryLog } from './hooks/deleteDeliveryLog'
import { collectionNames } from '../shared/collectionNames'

export const WEBHOOK_EVENTS = ['publish', 'unpublish', 'update', 'delete'] as const
/** A webhook can follow any collection of published content. */
export const WEBHOOK_COLLECTIONS = PUBLISHED_CONTENT_COLLECTIONS

/**
 * Where to tell front ends that public content changed. Admin only: a webhook's secret
 * signs every delivery, and its URL is a request this server makes on their behalf.
 */
export const Webhooks: CollectionConfig<'webhooks'> = {
  ...collectionNames('webhooks', ['Webhook', 'Webhooks'], ['Webhook', 'Webhooks']),
  admin: {
    useAsTitle: 'name',
    defaultColumns: ['name', 'url', 'events', 'enabled'],
    group: 'Settings',
    components: { edit: { beforeDocumentControls: ['/src/components/admin/WebhookActions#SendWebhookPing'] } },
  },
  access: { read: isAdmin, create: isAdmin, update: isAdmin, delete: isAdmin },
  endpoints: webhookEndpoints,
  hooks: { beforeDelete: [deleteDeliveryLog] },
  fields: [
    { name: 'name', type: 'text', required: true, maxLength: 100 },
    {
      name: 'url',
      type: 'text',
      required: true,
      maxLength: MAX_WEBHOOK_URL_LENGTH,
      admin: { description: 'http(s) URL that receives a signed JSON POST for each event. Redirects are not followed.' },
      hooks: { beforeValidate: [({ value }) => (typeof value === 'string' ? value.trim() : value)] },
      validate: (value: unknown) => webhookUrlProblem(value) ?? true,
    },
    {
      name: 'events',
      type: 'select',
      hasMany: true,
      required: true,
      defaultValue: [...WEBHOOK_EVENTS],
      options: optionsFrom(WEBHOOK_EVENTS),
    },
    {
      name: 'collections',
      type: 'select',
      hasMany: true,
      required: true,
      defaultValue: [...WEBHOOK_COLLECTIONS],
      options: optionsFrom(WEBHOOK_COLLECTIONS),
    },
    {
      name: 'secret',
      type: 'text',
      admin: { description: 'Signs every delivery (X-Webhook-Signature). Generated when left empty; clear it to rotate.' },
      hooks: {
        // Empty means "make one": 32 random bytes, so nobody has to invent a strong secret.
        // Absent from an update (a PATCH of other fields) means "keep it".
        beforeValidate: [
          ({ value, originalDoc }) => {
            if (typeof value === 'string' && value.trim()) return value.trim()
            if (value === undefined && originalDoc?.secret) return originalDoc.secret
            return generateWebhookSecret()
          },
        ],
      },
      validate: (value: unknown) =>
        typeof value === 'string' && value.length >= MIN_SECRET_LENGTH
          ? true
          : `The secret must be at least ${MIN_SECRET_LENGTH} characters long (leave it empty to generate one).`,
    },
    { name: 'enabled', type: 'checkbox', defaultValue: true, admin: { position: 'sidebar' } },
  ],
  timestamps: true,
}
