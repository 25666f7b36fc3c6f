import crypto from 'node:crypto'
import nodeHttp from 'node:http'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { WebhookDelivery } from '../../payload-types'
import { createStaff, PASSWORD, richText } from '../helpers/fixtures'
import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'
import { startWebhookReceiver, type ReceivedWebhook } from '../helpers/webhookReceiver'
import { startWorker, stopWorkers, type WorkerProcess } from '../helpers/worker'
import { waitFor } from '../helpers/waitFor'

let ctx: TestPayload
let http: typeof import('../helpers/http')
let adminToken: string
let editorToken: string
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>


// Short knobs so retries happen within the test. The ping endpoint runs in this process
// and reads the same variables.
const SHORT = { WEBHOOK_LEASE_MS: '3000', WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_RETRY_MAX_MS: '400', WEBHOOK_TIMEOUT_MS: '1500', WEBHOOK_MAX_ATTEMPTS: '4' }
Object.assign(process.env, SHORT)

beforeAll(async () => {
  ctx = await startTestPayload('webhooks')
  http = await import('../helpers/http')
  await createStaff(ctx.payload)
  adminToken = await http.login('owner@clinic.test', PASSWORD)
  editorToken = await http.login('editor@clinic.test', PASSWORD)
  receiver = await startWebhookReceiver()
})

afterAll(async () => {
  await receiver?.close()
  if (ctx) await stopTestPayload(ctx)
})

const asAdmin = () => ({ credentials: { token: adminToken } })
const workers: WorkerProcess[] = []

let counter = 0
const draftArticle = (title = `Article ${++counter}`) =>
  ctx.payload.create({
    collection: 'articles',
    draft: true,
    data: { _status: 'draft', title, slug: `article-${counter}-${Date.now()}`, content: richText('Body.'), emailSubscribers: true },
  })

const publishedArticle = (title = `Article ${++counter}`) =>
  ctx.payload.create({
    collection: 'articles',
    data: { _status: 'published', title, slug: `article-${counter}-${Date.now()}`, content: richText('Body.') },
  })

const createWebhook = async (data: Record<string, unknown>) => {
  const response = await http.api('POST', '/webhooks', { body: { name: `Hook ${++counter}`, ...data }, ...asAdmin() })
  expect(response.status, response.text).toBe(201)
  return response.json.doc as { id: number; secret: string; url: string }
}

const deliveriesFor = async (where: Record<string, unknown>) =>
  (
    await ctx.payload.find({ collection: 'webhook-deliveries', where: where as never, sort: 'createdAt', pagination: false, depth: 0 })
  ).docs as WebhookDelivery[]

const eventsFor = async (webhook: number, documentId: number | string) =>
  (await deliveriesFor({ and: [{ webhook: { equals: webhook } }, { documentId: { equals: String(documentId) } }] })).map((d) => d.event)

/** A timeout shows every delivery row and the workers' logs. */
const deliveriesAndLogs = async () =>
  `${(await deliveriesFor({}))
    .map((d) => `${d.id} ${d.event} ${d.collectionSlug}/${d.documentId} ${d.status} x${d.attempts} ${d.lastError ?? ''}`)
    .join('\n')}\n${workers.map((w) => w.output()).join('\n---\n').slice(-3000)}`

/** A receiver's check, written independently of the server's signing code. */
const verifySignature = (request: ReceivedWebhook, secret: string) => {
  const header = String(request.headers['x-webhook-signature'] ?? '')
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=') as [string, string]))
  const expected = crypto.createHmac('sha256', secret).update(`${parts.t}.${request.body}`).digest()
  const given = Buffer.from(parts.v1 ?? '', 'hex')
  return given.length === expected.length && crypto.timingSafeEqual(given, expected)
}

describe('recording events', () => {
  afterAll(async () => {
    // Leaves the worker tests below only their own webhooks.
    await ctx.payload.update({ collection: 'webhooks', where: { url: { contains: '/events' } } as never, data: { enabled: false } })
    await ctx.payload.update({ collection: 'webhooks', where: { url: { contains: '/other' } } as never, data: { enabled: false } })
  })

  it('records publish, update, unpublish and delete from the public state, and nothing for draft saves', async () => {
    const hook = await createWebhook({ url: receiver.url('/events') })
    expect(hook.secret).toMatch(/^[0-9a-f]{64}$/)
    // Subscribed to other events and collections only: must stay silent for articles.
    const other = await createWebhook({ url: receiver.url('/other'), events: ['delete'], collections: ['faqs'] })

    const article = await draftArticle('Draft first')
    expect(await eventsFor(hook.id, article.id)).toEqual([])

    const publish = () => ctx.payload.update({ collection: 'articles', id: article.id, data: { _status: 'published' } })
    await publish()
    expect(await eventsFor(hook.id, article.id)).toEqual(['publish'])

    // Draft saves over the published document: only versions change, the public doc does not.
    await ctx.payload.update({ collection: 'articles', id: article.id, draft: true, data: { title: 'Draft edit' } })
    await ctx.payload.update({ collection: 'articles', id: article.id, draft: true, autosave: true, data: { title: 'Autosaved edit' } })
    // The admin's autosave, through REST as an editor.
    const autosave = await http.api('PATCH', `/articles/${article.id}?draft=true&autosave=true`, {
      body: { title: 'Autosaved over REST' },
      credentials: { token: editorToken },
    })
    expect(autosave.status, autosave.text).toBe(200)
    expect(await eventsFor(hook.id, article.id)).toEqual(['publish'])

    // Publishing the draft changes what readers see: an update, not a second publish.
    await publish()
    await ctx.payload.update({ collection: 'articles', id: article.id, data: { excerpt: 'Edited while live.' } })
    expect(await eventsFor(hook.id, article.id)).toEqual(['publish', 'update', 'update'])

    await ctx.payload.update({ collection: 'articles', id: article.id, data: { _status: 'draft' } })
    // Saving an unpublished document is invisible to readers.
    await ctx.payload.update({ collection: 'articles', id: article.id, data: { excerpt: 'Edited while hidden.' } })
    await publish()
    // Created before the delete below: SQLite may reuse the highest id once it is gone.
    const born = await publishedArticle('Born published')
    expect(await eventsFor(hook.id, born.id)).toEqual(['publish'])
    // Publishing an article ticked "email to subscribers" re-saves it to link the
    // announcement: still one publish event.
    const announced = await draftArticle('Announced')
    await ctx.payload.update({ collection: 'articles', id: announced.id, data: { emailSubscribers: true } })
    await ctx.payload.update({ collection: 'articles', id: announced.id, data: { _status: 'published' } })
    expect((await ctx.payload.findByID({ collection: 'articles', id: announced.id })).announcement).toBeTruthy()
    expect(await eventsFor(hook.id, announced.id)).toEqual(['publish'])
    // Restoring an older version of a live document is an update (Payload's restoreVersion
    // runs beforeChange with a wrapped request).
    await ctx.payload.update({ collection: 'articles', id: born.id, data: { title: 'Renamed while live' } })
    const { docs: versions } = await ctx.payload.findVersions({ collection: 'articles', where: { parent: { equals: born.id } }, sort: 'createdAt' })
    await ctx.payload.restoreVersion({ collection: 'articles', id: versions[0].id })
    expect(await eventsFor(hook.id, born.id)).toEqual(['publish', 'update', 'update'])
    await ctx.payload.delete({ collection: 'articles', id: article.id })
    expect(await eventsFor(hook.id, article.id)).toEqual(['publish', 'update', 'update', 'unpublish', 'publish', 'delete'])
    const neverLive = await draftArticle()
    await ctx.payload.delete({ collection: 'articles', id: neverLive.id })
    expect(await eventsFor(hook.id, neverLive.id)).toEqual([])

    // Imports and seeds opt out.
    const quiet = await ctx.payload.create({
      collection: 'articles',
      context: { disableWebhooks: true },
      data: { _status: 'published', title: 'Imported', slug: `imported-${Date.now()}`, content: richText('Body.') },
    })
    expect(await eventsFor(hook.id, quiet.id)).toEqual([])

    // Every collection with public content, with its own name in the body.
    const faq = await ctx.payload.create({
      collection: 'faqs',
      data: { _status: 'published', question: 'Do you bill insurance?', answer: richText('Yes.'), category: 'insurance' },
    })
    expect(await eventsFor(hook.id, faq.id)).toContain('publish')
    expect(await eventsFor(other.id, article.id)).toEqual([])
    expect(await eventsFor(other.id, faq.id)).toEqual([])

    // The body: what an anonymous reader gets, no staff-only fields.
    const [published] = await deliveriesFor({ and: [{ webhook: { equals: hook.id } }, { documentId: { equals: String(article.id) } }] })
    const body = JSON.parse(published.body)
    expect(body).toMatchObject({ event: 'publish', collection: 'articles', id: article.id, slug: article.slug })
    expect(Date.parse(body.occurredAt)).toBeGreaterThan(0)
    expect(body.doc).toMatchObject({ id: article.id, title: 'Draft first', _status: 'published' })
    expect(body.doc).not.toHaveProperty('emailSubscribers')
    const deleted = JSON.parse((await deliveriesFor({ and: [{ documentId: { equals: String(article.id) } }, { event: { equals: 'delete' } }] }))[0].body)
    expect(deleted).toMatchObject({ event: 'delete', id: article.id, slug: article.slug, doc: null })
    expect(published.status).toBe('queued')

  })
})

describe('URLs, secrets and access', () => {
  it('refuses bad URLs and short secrets with a 400 that says what to fix', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['ftp://example.com/hook', /Only http:\/\/ and https:\/\//],
      ['https://user:pass@example.com/hook', /user name and password/],
      ['not a url', /is not a URL/],
      ['javascript:alert(1)', /Only http:\/\/ and https:\/\//],
      [`https://example.com/${'a'.repeat(2100)}`, /at most 2000/],
    ]
    for (const [url, message] of cases) {
      const response = await http.api('POST', '/webhooks', { body: { name: 'Bad', url }, ...asAdmin() })
      expect(response.status, String(url)).toBe(400)
      expect(response.text, String(url)).toMatch(message)
    }
    const short = await http.api('POST', '/webhooks', { body: { name: 'Short', url: 'https://example.com/h', secret: 'abc' }, ...asAdmin() })
    expect(short.status).toBe(400)
    expect(short.text).toMatch(/at least 16 characters/)

    process.env.WEBHOOK_BLOCK_PRIVATE_TARGETS = 'true'
    try {
      for (const url of ['http://127.0.0.1:9/x', 'http://10.1.2.3/x', 'http://localhost:3000/x', 'http://localhost.:3000/x', 'http://[::1]/x', 'http://169.254.169.254/latest', 'http://[::ffff:127.0.0.1]/x']) {
        const response = await http.api('POST', '/webhooks', { body: { name: 'Private', url }, ...asAdmin() })
        expect(response.status, url).toBe(400)
        expect(response.text, url).toMatch(/WEBHOOK_BLOCK_PRIVATE_TARGETS/)
      }
      // Names are checked again when they are resolved, at connect time: a name that
      // resolves to a private address is refused even though the URL looked public.
      const { guardedLookup } = await import('../../src/webhooks/targetUrl')
      const refused = await new Promise<NodeJS.ErrnoException>((resolve, reject) =>
        nodeHttp
          .get({ host: 'localhost', port: Number(new URL(receiver.url('/')).port), path: '/never', lookup: guardedLookup }, () => reject(new Error('connected')))
          .on('error', resolve),
      )
      expect(refused.code).toBe('EPRIVATETARGET')
      expect(receiver.forPath('/never')).toHaveLength(0)
    } finally {
      delete process.env.WEBHOOK_BLOCK_PRIVATE_TARGETS
    }
    const kept = await createWebhook({ url: 'https://example.com/h', secret: 'a-secret-chosen-by-hand', enabled: false })
    expect(kept.secret).toBe('a-secret-chosen-by-hand')
    // A PATCH of other fields keeps the secret; clearing it rotates it.
    const renamed = await http.api('PATCH', `/webhooks/${kept.id}`, { body: { name: 'Renamed' }, ...asAdmin() })
    expect(renamed.json.doc.secret).toBe('a-secret-chosen-by-hand')
    const rotated = await http.api('PATCH', `/webhooks/${kept.id}`, { body: { secret: '' }, ...asAdmin() })
    expect(rotated.json.doc.secret).toMatch(/^[0-9a-f]{64}$/)
  })

  it('webhooks and their deliveries are for admins only', async () => {
    const hook = await createWebhook({ url: receiver.url('/access'), enabled: false })
    for (const credentials of [undefined, { token: editorToken }]) {
      for (const path of ['/webhooks', `/webhooks/${hook.id}`, '/webhook-deliveries']) {
        const response = await http.api('GET', path, { credentials })
        expect(response.status, `${path} ${credentials ? 'editor' : 'anonymous'}`).toBe(403)
        expect(response.text).not.toContain(hook.secret)
      }
      const { json } = await http.gql('{ Webhooks { docs { url secret } } }', undefined, credentials)
      expect(json.errors?.length).toBeGreaterThan(0)
      expect(JSON.stringify(json)).not.toContain(hook.secret)
    }
    const editorCreate = await http.api('POST', '/webhooks', { body: { name: 'Nope', url: receiver.url('/x') }, credentials: { token: editorToken } })
    expect(editorCreate.status).toBe(403)

    expect((await http.api('POST', `/webhooks/${hook.id}/ping`)).status).toBe(401)
    expect((await http.api('POST', `/webhooks/${hook.id}/ping`, { credentials: { token: editorToken } })).status).toBe(403)
    expect((await http.api('POST', '/webhooks/999999/ping', asAdmin())).status).toBe(404)
    expect((await http.api('POST', '/webhooks/abc/ping', asAdmin())).status).toBe(400)
    expect((await http.api('POST', '/webhook-deliveries/1/retry')).status).toBe(401)
    expect((await http.api('POST', '/webhook-deliveries/1/retry', { credentials: { token: editorToken } })).status).toBe(403)
    expect((await http.api('POST', '/webhook-deliveries/999999/retry', asAdmin())).status).toBe(404)
    expect((await http.api('POST', '/webhook-deliveries/x-1/retry', asAdmin())).status).toBe(400)
  })
})

describe('the test ping (sent by the app, synchronously)', () => {
  it('signs it, does not follow redirects, times out, and keeps only an excerpt of the answer', async () => {
    const hook = await createWebhook({ url: receiver.url('/ping'), enabled: false })
    receiver.on('/ping', () => ({ status: 200, body: 'x'.repeat(100_000) }))
    const ping = await http.api('POST', `/webhooks/${hook.id}/ping`, asAdmin())
    expect(ping.status, ping.text).toBe(200)
    expect(ping.json).toMatchObject({ ok: true, delivery: { event: 'ping', status: 'delivered', responseStatus: 200 } })
    expect(ping.json.delivery.responseExcerpt.length).toBeLessThanOrEqual(500)
    const [request] = receiver.forPath('/ping')
    expect(request.json).toMatchObject({ event: 'ping', webhook: hook.id })
    expect(request.headers['content-type']).toBe('application/json')
    expect(request.headers['x-webhook-event']).toBe('ping')
    expect(request.headers['x-webhook-id']).toBe(String(ping.json.delivery.id))
    expect(request.headers['user-agent']).toMatch(/StevensonClinicCMS/)
    expect(verifySignature(request, hook.secret)).toBe(true)
    expect(verifySignature(request, 'not-the-secret-0123456789')).toBe(false)
    const timestamp = Number(/t=(\d+)/.exec(String(request.headers['x-webhook-signature']))![1])
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(600)

    receiver.on('/moved', () => ({ status: 302, headers: { Location: receiver.url('/ping') } }))
    await ctx.payload.update({ collection: 'webhooks', id: hook.id, data: { url: receiver.url('/moved') } })
    const pingsBefore = receiver.forPath('/ping').length
    const redirected = await http.api('POST', `/webhooks/${hook.id}/ping`, asAdmin())
    expect(redirected.json).toMatchObject({ ok: false, delivery: { status: 'failed', responseStatus: 302 } })
    expect(redirected.json.delivery.lastError).toMatch(/redirects are not followed/)
    expect(receiver.forPath('/ping')).toHaveLength(pingsBefore)

    receiver.on('/hang', () => ({ hang: true }))
    await ctx.payload.update({ collection: 'webhooks', id: hook.id, data: { url: receiver.url('/hang') } })
    const hung = await http.api('POST', `/webhooks/${hook.id}/ping`, asAdmin())
    expect(hung.json).toMatchObject({ ok: false, delivery: { status: 'failed', responseStatus: null } })
    expect(hung.json.delivery.lastError).toMatch(/within 1500 ms/)
    expect(receiver.forPath('/hang')).toHaveLength(1)

    // Only failed deliveries can be retried.
    const again = await http.api('POST', `/webhook-deliveries/${ping.json.delivery.id}/retry`, asAdmin())
    expect(again.status).toBe(409)
  })
})

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
