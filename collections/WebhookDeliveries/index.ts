import type { CollectionConfig } from 'payload'

import { isAdmin } from '../../src/access/isAdmin'
import { systemWrittenAccess } from '../../src/access/nobody'
import { webhookDeliveryEndpoints } from '../../src/endpoints/webhooks'
import { optionsFrom } from '../../src/fields/optionsFrom'
import { collectionNames } from '../shared/collectionNames'

export const WEBHOOK_DELIVERY_STATUSES = ['queued', 'sending', 'delivered', 'failed'] as const

/**
 * One event for one webhook: recorded with the content change, posted by the worker.
 * `body` is the exact JSON posted, so a retry sends the same bytes.
 */
export const WebhookDeliveries: CollectionConfig<'webhook-deliveries'> = {
  ...collectionNames('webhook-deliveries', ['Webhook delivery', 'Webhook deliveries'], ['WebhookDelivery', 'WebhookDeliveries']),
  admin: {
    useAsTitle: 'event',
    defaultColumns: ['event', 'webhook', 'collectionSlug', 'documentId', 'status', 'attempts', 'responseStatus', 'durationMs', 'createdAt'],
    group: 'Settings',
    description: 'Every event posted to a webhook, newest first. Failed deliveries can be retried from their page.',
    components: { edit: { beforeDocumentControls: ['/src/components/admin/WebhookActions#RetryWebhookDelivery'] } },
  },
  endpoints: webhookDeliveryEndpoints,
  defaultSort: '-createdAt',
  access: systemWrittenAccess(isAdmin),
  indexes: [{ fields: ['status', 'nextAttemptAt'] }, { fields: ['webhook', 'collectionSlug', 'documentId'] }],
  fields: [
    { name: 'webhook', type: 'relationship', relationTo: 'webhooks', required: true, index: true },
    { name: 'event', type: 'text', required: true },
    { name: 'collectionSlug', type: 'text', required: true },
    { name: 'documentId', type: 'text', required: true },
    { name: 'body', type: 'textarea', required: true },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'queued',
      index: true,
      options: optionsFrom(WEBHOOK_DELIVERY_STATUSES),
    },
    { name: 'attempts', type: 'number', defaultValue: 0 },
    { name: 'nextAttemptAt', type: 'date' },
    { name: 'responseStatus', type: 'number' },
    { name: 'responseExcerpt', type: 'text' },
    { name: 'durationMs', type: 'number' },
    { name: 'lastError', type: 'text' },
    { name: 'deliveredAt', type: 'date' },
    { name: 'leaseOwner', type: 'text', admin: { hidden: true } },
    { name: 'leaseExpiresAt', type: 'date', admin: { hidden: true } },
  ],
  timestamps: true,
}
