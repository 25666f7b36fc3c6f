import crypto from 'node:crypto'

import type { Endpoint, PayloadHandler, PayloadRequest } from 'payload'

import { loadWebhookConfig } from '../../jobs/webhooks/config'
import { postWebhook } from '../../jobs/webhooks/deliver'
import { markAttemptFailed, markDelivered, requeueFailedDelivery } from '../../jobs/webhooks/store'
import type { Webhook, WebhookDelivery } from '../../payload-types'
import { hasRole } from '../access/roles'
import { json, problem } from './responses'
import { claimOne } from '../seams/database'
import { queueDelivery } from '../webhooks/recordContentEvent'

/**
 * `POST /api/webhooks/:id/ping` and `POST /api/webhook-deliveries/:id/retry`, admin only
 * like the collections themselves. 401 without credentials, 403 for editors, 400 for an
 * id that cannot be one, 404 for an unknown id.
 */


const resolveId = (req: PayloadRequest, what: string): string | Response => {
  if (!req.user) return problem(401, `Log in as an admin (or send an admin's API key) to ${what}.`)
  if (!hasRole(req.user, 'admin')) return problem(403, `Only admins can ${what}.`)
  const id = String(req.routeParams?.id ?? '')
  const valid = req.payload.db.defaultIDType === 'number' ? /^\d{1,15}$/.test(id) : /^[0-9a-f]{24}$/i.test(id)
  if (!valid) return problem(400, `"${id.slice(0, 40)}" is not a valid id.`)
  return id
}

const summary = (delivery: WebhookDelivery) => ({
  id: delivery.id,
  event: delivery.event,
  status: delivery.status,
  attempts: delivery.attempts ?? 0,
  responseStatus: delivery.responseStatus ?? null,
  responseExcerpt: delivery.responseExcerpt ?? null,
  durationMs: delivery.durationMs ?? null,
  lastError: delivery.lastError ?? null,
})

/**
 * Sends a signed `ping` right away and answers with the receiver's response, so the admin's
 * "Send test ping" button shows the outcome in the time of one request (bounded by
 * WEBHOOK_TIMEOUT_MS). The ping is also written to the delivery log; a failed one can be
 * retried from there like any delivery (the worker then sends it).
 */
const sendPing: PayloadHandler = async (req) => {
  const id = resolveId(req, 'send a test ping')
  if (id instanceof Response) return id
  const webhook = (await req.payload.db.findOne({ collection: 'webhooks', where: { id: { equals: id } } })) as Webhook | null
  if (!webhook) return problem(404, `No webhook with id ${id}.`)
  if (!webhook.secret) return problem(409, 'This webhook has no secret yet: save it once to generate one.')

  const config = loadWebhookConfig()
  const body = JSON.stringify({ event: 'ping', webhook: webhook.id, name: webhook.name, occurredAt: new Date().toISOString() })
  const created = await queueDelivery(req.payload, undefined, {
    webhook: webhook.id,
    event: 'ping',
    collectionSlug: 'webhooks',
    documentId: String(webhook.id),
    body,
  })
  // Hold it like a worker would, so no worker sends it as well.
  const holder = `ping:${crypto.randomBytes(4).toString('hex')}`
  const held = await claimOne<WebhookDelivery>(req.payload, {
    collection: 'webhook-deliveries',
    id: created.id,
    when: { status: { equals: 'queued' } },
    data: { status: 'sending', attempts: 1, leaseOwner: holder, leaseExpiresAt: new Date(Date.now() + config.leaseMs).toISOString() },
  })
  if (!held) return problem(409, 'A worker picked the ping up first; see the delivery log for its outcome.')

  const result = await postWebhook({
    url: webhook.url,
    secret: webhook.secret,
    body,
    deliveryId: String(created.id),
    event: 'ping',
    timeoutMs: config.timeoutMs,
    excerptBytes: config.excerptBytes,
  })
  const outcome = { status: result.status, excerpt: result.excerpt, durationMs: result.durationMs, error: result.error }
  if (result.ok) await markDelivered(req.payload, held, holder, outcome)
  else await markAttemptFailed(req.payload, held, holder, outcome, null)
  const after = (await req.payload.db.findOne({ collection: 'webhook-deliveries', where: { id: { equals: created.id } } })) as WebhookDelivery
  return json({
    ok: result.ok,
    message: result.ok
      ? `The receiver answered ${result.status} in ${result.durationMs} ms.`
      : `The ping failed: ${result.error}`,
    delivery: summary(after),
  })
}

/** Puts a failed delivery back in the queue with a fresh attempt budget; the worker sends it. */
const retryDelivery: PayloadHandler = async (req) => {
  const id = resolveId(req, 'retry webhook deliveries')
  if (id instanceof Response) return id
  const requeued = await requeueFailedDelivery(req.payload, id)
  if (requeued) return json({ message: 'Queued again: a worker will send it within a few seconds.', doc: summary(requeued) })
  const existing = (await req.payload.db.findOne({ collection: 'webhook-deliveries', where: { id: { equals: id } } })) as WebhookDelivery | null
  if (!existing) return problem(404, `No webhook delivery with id ${id}.`)
  return problem(409, `Only failed deliveries can be retried; this one is ${existing.status}.`)
}

export const webhookEndpoints: Endpoint[] = [{ path: '/:id/ping', method: 'post', handler: sendPing }]
export const webhookDeliveryEndpoints: Endpoint[] = [{ path: '/:id/retry', method: 'post', handler: retryDelivery }]
