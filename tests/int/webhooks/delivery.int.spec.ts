import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../../helpers/fixtures'
import { startWorker, stopWorkers } from '../../helpers/worker'
import { waitFor } from '../../helpers/waitFor'
import { ctx, http, editorToken, receiver, asAdmin, workers, draftArticle, createWebhook, deliveriesFor, eventsFor, deliveriesAndLogs, verifySignature, SHORT, useWebhooksTest } from './setup'

useWebhooksTest()

describe('delivery by the worker', () => {
  let hook: { id: number; secret: string }

  beforeAll(async () => {
    const env = { DATABASE_URI: process.env.DATABASE_URI!, MEDIA_DIR: process.env.MEDIA_DIR!, PAYLOAD_SECRET: process.env.PAYLOAD_SECRET!, ...SHORT }
    // Two workers throughout: every delivery below must be claimed and sent once.
    workers.push(startWorker(env), startWorker(env))
    await Promise.all(workers.map((worker) => worker.ready))
    hook = await createWebhook({ url: receiver.url('/live') })
  })

  afterAll(() => stopWorkers(workers, 'SIGTERM'))

  const liveDeliveries = (id: number | string) => deliveriesFor({ and: [{ webhook: { equals: hook.id } }, { documentId: { equals: String(id) } }] })
  const receivedFor = (id: number | string) => receiver.forPath('/live').filter((request) => String(request.json?.id) === String(id))

  it('posts the recorded body, signed, once, and logs the answer', async () => {
    const article = await draftArticle('Posted')
    await ctx.payload.update({ collection: 'articles', id: article.id, data: { _status: 'published' } })
    const [delivery] = await waitFor('the delivery', async () => {
      const rows = await liveDeliveries(article.id)
      return rows[0]?.status === 'delivered' ? rows : null
    }, { timeoutMs: 15_000, explain: deliveriesAndLogs })
    const requests = receivedFor(article.id)
    expect(requests).toHaveLength(1)
    expect(requests[0].body).toBe(delivery.body)
    expect(requests[0].headers['x-webhook-id']).toBe(String(delivery.id))
    expect(requests[0].headers['x-webhook-event']).toBe('publish')
    expect(verifySignature(requests[0], hook.secret)).toBe(true)
    expect(delivery).toMatchObject({ attempts: 1, responseStatus: 200 })
    expect(delivery.durationMs).toBeGreaterThanOrEqual(0)
    expect(delivery.deliveredAt).toBeTruthy()
  })

  it('retries with backoff while the receiver is down, then delivers the same bytes', async () => {
    const article = await draftArticle('Retried')
    receiver.on('/live', (request, previous) => {
      const earlier = previous.filter((item) => String(item.json?.id) === String(article.id))
      return { status: String(request.json?.id) === String(article.id) && earlier.length < 2 ? 503 : 200 }
    })
    await ctx.payload.update({ collection: 'articles', id: article.id, data: { _status: 'published' } })
    const [delivery] = await waitFor('the retried delivery', async () => {
      const rows = await liveDeliveries(article.id)
      return rows[0]?.status === 'delivered' ? rows : null
    }, { timeoutMs: 20_000, explain: deliveriesAndLogs })
    expect(delivery.attempts).toBe(3)
    const requests = receivedFor(article.id)
    expect(requests.map((request) => request.answered)).toEqual([503, 503, 200])
    expect(new Set(requests.map((request) => request.body)).size).toBe(1)
    expect(new Set(requests.map((request) => request.headers['x-webhook-id'])).size).toBe(1)
    receiver.on('/live', () => ({}))
  })

  it('keeps the order of events per document, even when the first one needs retries', async () => {
    const article = await draftArticle('Ordered')
    receiver.on('/live', (request, previous) => {
      const firstPublish = request.json?.event === 'publish' && !previous.some((item) => String(item.json?.id) === String(article.id))
      return { status: String(request.json?.id) === String(article.id) && firstPublish ? 503 : 200 }
    })
    await ctx.payload.update({ collection: 'articles', id: article.id, data: { _status: 'published' } })
    await ctx.payload.update({ collection: 'articles', id: article.id, data: { excerpt: 'First edit.' } })
    await ctx.payload.update({ collection: 'articles', id: article.id, data: { excerpt: 'Second edit.' } })
    await ctx.payload.update({ collection: 'articles', id: article.id, data: { _status: 'draft' } })
    await waitFor('four deliveries', async () => {
      const rows = await liveDeliveries(article.id)
      return rows.length === 4 && rows.every((row) => row.status === 'delivered')
    }, { timeoutMs: 20_000, explain: deliveriesAndLogs })
    const requests = receivedFor(article.id)
    expect(requests.map((request) => `${request.json.event}:${request.answered}`)).toEqual([
      'publish:503',
      'publish:200',
      'update:200',
      'update:200',
      'unpublish:200',
    ])
    expect(requests[2].json.doc.excerpt).toBe('First edit.')
    expect(requests[3].json.doc.excerpt).toBe('Second edit.')
    receiver.on('/live', () => ({}))
  })

  it('a scheduled publish fires one publish event, once, with two workers', async () => {
    const article = await draftArticle('Scheduled')
    const at = new Date(Date.now() + 1_500).toISOString()
    const scheduled = await http.api('POST', `/articles/${article.id}/schedule`, { body: { action: 'publish', at }, credentials: { token: editorToken } })
    expect(scheduled.status, scheduled.text).toBe(201)
    await waitFor('the scheduled publish webhook', () => receivedFor(article.id).length > 0, { timeoutMs: 15_000, explain: deliveriesAndLogs })
    await waitFor('the job done', async () => {
      const jobs = await ctx.payload.find({ collection: 'payload-jobs', where: { 'input.doc.value': { equals: String(article.id) } } })
      return jobs.docs[0]?.state === 'done'
    }, { timeoutMs: 10_000, explain: deliveriesAndLogs })
    // Every delivery of the document settled (none queued or sending), and the receiver got
    // exactly one POST per recorded attempt: what a second sender would break.
    await waitFor('the deliveries settled', async () => {
      const rows = await deliveriesFor({ and: [{ webhook: { equals: hook.id } }, { documentId: { equals: String(article.id) } }] })
      return rows.length > 0 && rows.every((d) => d.status === 'delivered') && rows.reduce((sum, d) => sum + (d.attempts ?? 0), 0) === receivedFor(article.id).length
    }, { timeoutMs: 15_000, explain: deliveriesAndLogs })
    const requests = receivedFor(article.id)
    expect(requests).toHaveLength(1)
    expect(requests[0].json).toMatchObject({ event: 'publish', id: article.id, doc: { title: 'Scheduled' } })
    expect(await eventsFor(hook.id, article.id)).toEqual(['publish'])
  })

  it('an admin retries a failed delivery; the worker sends it', async () => {
    const dead = await createWebhook({ url: receiver.url('/dead'), collections: ['faqs'] })
    receiver.on('/dead', () => ({ status: 500, body: 'broken' }))
    const service = await ctx.payload.create({
      collection: 'faqs',
      data: { _status: 'published', question: 'Can I bring a friend?', answer: richText('Yes.'), category: 'general' },
    })
    const [failed] = await waitFor('the delivery to fail', async () => {
      const rows = await deliveriesFor({ and: [{ webhook: { equals: dead.id } }, { documentId: { equals: String(service.id) } }] })
      return rows[0]?.status === 'failed' ? rows : null
    }, { timeoutMs: 20_000, explain: deliveriesAndLogs })
    expect(failed).toMatchObject({ attempts: 4, responseStatus: 500, responseExcerpt: 'broken' })
    expect(receiver.forPath('/dead')).toHaveLength(4)

    receiver.on('/dead', () => ({}))
    const retried = await http.api('POST', `/webhook-deliveries/${failed.id}/retry`, asAdmin())
    expect(retried.status, retried.text).toBe(200)
    expect(retried.json.doc.status).toBe('queued')
    await waitFor('the retry', async () => (await deliveriesFor({ id: { equals: failed.id } }))[0]?.status === 'delivered', { timeoutMs: 15_000, explain: deliveriesAndLogs })
    expect(receiver.forPath('/dead')).toHaveLength(5)
    expect(receiver.forPath('/dead')[4].headers['x-webhook-id']).toBe(String(failed.id))

    // Deleting a webhook takes its log with it (and is not refused by the database).
    const removed = await http.api('DELETE', `/webhooks/${dead.id}`, asAdmin())
    expect(removed.status, removed.text).toBe(200)
    expect(await deliveriesFor({ webhook: { equals: dead.id } })).toEqual([])
  })

  it('a worker killed mid-POST: another sends it again after the lease, with the same X-Webhook-Id', async () => {
    const crash = await createWebhook({ url: receiver.url('/crash'), collections: ['conditions'] })
    receiver.on('/crash', (_request, previous) => (previous.length === 0 ? { hang: true } : {}))
    const condition = await ctx.payload.create({
      collection: 'conditions',
      data: { _status: 'published', name: 'Tension headache', slug: `headache-${Date.now()}`, summary: 'Headaches from tight muscles.' } as never,
    })
    await waitFor('the first POST', () => receiver.forPath('/crash').length === 1, { timeoutMs: 15_000, explain: deliveriesAndLogs })
    const [held] = await deliveriesFor({ webhook: { equals: crash.id } })
    const holder = workers.find((worker) => held.leaseOwner?.includes(`:${worker.child.pid}:`))!
    expect(holder, held.leaseOwner ?? 'no lease owner').toBeTruthy()
    holder.kill('SIGKILL')
    await holder.exited
    const [delivered] = await waitFor('the take-over', async () => {
      const rows = await deliveriesFor({ webhook: { equals: crash.id } })
      return rows[0]?.status === 'delivered' ? rows : null
    }, { timeoutMs: 20_000, explain: deliveriesAndLogs })
    expect(delivered.documentId).toBe(String(condition.id))
    expect(delivered.leaseOwner).not.toBe(held.leaseOwner)
    const requests = receiver.forPath('/crash')
    expect(requests).toHaveLength(2)
    expect(requests[1].headers['x-webhook-id']).toBe(requests[0].headers['x-webhook-id'])
    expect(requests[1].body).toBe(requests[0].body)
  })
})
