/** Shared set-up of the webhook tests (tests/int/webhooks/*.int.spec.ts): a real Payload on its own database, a real receiver, and what the tests read back. */
import crypto from 'node:crypto'

import { afterAll, beforeAll, expect } from 'vitest'

import type { WebhookDelivery } from '../../../payload-types'
import { createStaff, PASSWORD, richText } from '../../helpers/fixtures'
import { startTestPayload, stopTestPayload, type TestPayload } from '../../helpers/payload'
import { startWebhookReceiver, type ReceivedWebhook } from '../../helpers/webhookReceiver'
import { type WorkerProcess } from '../../helpers/worker'

export let ctx: TestPayload
export let http: typeof import('../../helpers/http')
export let adminToken: string
export let editorToken: string
export let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>


// Short knobs so retries happen within the test. The ping endpoint runs in this process
// and reads the same variables.
export const SHORT = { WEBHOOK_LEASE_MS: '3000', WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_RETRY_MAX_MS: '400', WEBHOOK_TIMEOUT_MS: '1500', WEBHOOK_MAX_ATTEMPTS: '4' }
Object.assign(process.env, SHORT)



export const asAdmin = () => ({ credentials: { token: adminToken } })
export const workers: WorkerProcess[] = []

export let counter = 0
export const draftArticle = (title = `Article ${++counter}`) =>
  ctx.payload.create({
    collection: 'articles',
    draft: true,
    data: { _status: 'draft', title, slug: `article-${counter}-${Date.now()}`, content: richText('Body.'), emailSubscribers: true },
  })

export const publishedArticle = (title = `Article ${++counter}`) =>
  ctx.payload.create({
    collection: 'articles',
    data: { _status: 'published', title, slug: `article-${counter}-${Date.now()}`, content: richText('Body.') },
  })

export const createWebhook = async (data: Record<string, unknown>) => {
  const response = await http.api('POST', '/webhooks', { body: { name: `Hook ${++counter}`, ...data }, ...asAdmin() })
  expect(response.status, response.text).toBe(201)
  return response.json.doc as { id: number; secret: string; url: string }
}

export const deliveriesFor = async (where: Record<string, unknown>) =>
  (
    await ctx.payload.find({ collection: 'webhook-deliveries', where: where as never, sort: 'createdAt', pagination: false, depth: 0 })
  ).docs as WebhookDelivery[]

export const eventsFor = async (webhook: number, documentId: number | string) =>
  (await deliveriesFor({ and: [{ webhook: { equals: webhook } }, { documentId: { equals: String(documentId) } }] })).map((d) => d.event)

/** A timeout shows every delivery row and the workers' logs. */
export const deliveriesAndLogs = async () =>
  `${(await deliveriesFor({}))
    .map((d) => `${d.id} ${d.event} ${d.collectionSlug}/${d.documentId} ${d.status} x${d.attempts} ${d.lastError ?? ''}`)
    .join('\n')}\n${workers.map((w) => w.output()).join('\n---\n').slice(-3000)}`

/** A receiver's check, written independently of the server's signing code. */
export const verifySignature = (request: ReceivedWebhook, secret: string) => {
  const header = String(request.headers['x-webhook-signature'] ?? '')
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=') as [string, string]))
  const expected = crypto.createHmac('sha256', secret).update(`${parts.t}.${request.body}`).digest()
  const given = Buffer.from(parts.v1 ?? '', 'hex')
  return given.length === expected.length && crypto.timingSafeEqual(given, expected)
}

/** The hooks every file of this group registers: set-up, clean-up between tests, tear-down. */
export const useWebhooksTest = () => {
  beforeAll(async () => {
    ctx = await startTestPayload('webhooks')
    http = await import('../../helpers/http')
    await createStaff(ctx.payload)
    adminToken = await http.login('owner@clinic.test', PASSWORD)
    editorToken = await http.login('editor@clinic.test', PASSWORD)
    receiver = await startWebhookReceiver()
  })

  afterAll(async () => {
    await receiver?.close()
    if (ctx) await stopTestPayload(ctx)
  })
}
