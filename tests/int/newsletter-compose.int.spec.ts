import fs from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ACTIONS, NEWSLETTER_STATUSES, canRetryFailed, canRun, type NewsletterAction } from '../../jobs/newsletters/states'
import { richText } from '../helpers/fixtures'
import { addSubscribers, setUpClinic } from '../helpers/newsletters'
import { type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'
import { startStaffPayload } from '../helpers/staffPayload'

/**
 * What the compose view relies on, through the real REST route handlers: the audience size
 * the send confirmation shows, the state table the panel reads (every action the endpoints
 * allow, and only those), the test send's word on where development mail went, and the
 * discard of the empty drafts that "Create New" makes on autosaved collections.
 */

let ctx: TestPayload
let http: typeof import('../helpers/http')
let editorToken: string
let topics: Array<number | string>
let outboxDir: string

beforeAll(async () => {
  // No SMTP server: mail goes to the outbox, as in development.
  delete process.env.SMTP_URL
  ;({ ctx, http, editorToken } = await startStaffPayload('newsletter-compose'))
  outboxDir = path.join(ctx.dir, 'outbox')
  process.env.EMAIL_OUTBOX_DIR = outboxDir
  topics = await setUpClinic(ctx.payload)
})

afterAll(() => stopTestPayloadIfStarted(ctx))

const asEditor = () => ({ credentials: { token: editorToken } })

describe('GET /api/newsletters/audience-size', () => {
  it('counts the confirmed subscribers of the audience by the snapshot’s rule', async () => {
    const [backPain, sciatica] = topics
    await addSubscribers(ctx.payload, 4, { prefix: 'everything' })
    await addSubscribers(ctx.payload, 3, { prefix: 'back', topics: [backPain!] })
    await addSubscribers(ctx.payload, 2, { prefix: 'sciatica', topics: [sciatica!] })
    await addSubscribers(ctx.payload, 5, { prefix: 'pending', status: 'pending' })
    await addSubscribers(ctx.payload, 1, { prefix: 'gone', status: 'unsubscribed', topics: [backPain!] })

    const all = await http.api('GET', '/newsletters/audience-size?audience=all', asEditor())
    expect(all.status, all.text).toBe(200)
    expect(all.json.recipients).toBe(9)
    // Those with no topics chosen want everything, so they are in every topic audience.
    const back = await http.api('GET', `/newsletters/audience-size?audience=topics&topics=${backPain}`, asEditor())
    expect(back.json.recipients).toBe(4 + 3)
    const both = await http.api('GET', `/newsletters/audience-size?audience=topics&topics=${backPain},${sciatica}`, asEditor())
    expect(both.json.recipients).toBe(9)
  })

  it('refuses strangers and says what is wrong with a bad audience', async () => {
    expect((await http.api('GET', '/newsletters/audience-size?audience=all')).status).toBe(401)
    const unknown = await http.api('GET', '/newsletters/audience-size?audience=vip', asEditor())
    expect(unknown.status).toBe(400)
    expect(unknown.json.errors[0].message).toMatch(/"audience" must be "all" or "topics"/)
    const noTopics = await http.api('GET', '/newsletters/audience-size?audience=topics', asEditor())
    expect(noTopics.status).toBe(400)
    expect(noTopics.json.errors[0].message).toMatch(/Choose at least one condition/)
    const badId = await http.api('GET', '/newsletters/audience-size?audience=topics&topics=1,drop%20table', asEditor())
    expect(badId.status).toBe(400)
    expect(badId.json.errors[0].message).toMatch(/condition ids separated by commas/)
  })
})

describe('the state table (jobs/newsletters/states.ts) is what the endpoints do', () => {
  const ACTIONS_LIST = Object.keys(ACTIONS) as NewsletterAction[]

  it.each(NEWSLETTER_STATUSES)('a %s newsletter: every action the table refuses answers 409, every one it allows is attempted', async (status) => {
    const created = await ctx.payload.create({ collection: 'newsletters', data: { subject: `State ${status}`, intro: richText('Hello.') } as never })
    for (const action of ACTIONS_LIST) {
      await ctx.payload.db.updateOne({ collection: 'newsletters', id: created.id, data: { status, leaseOwner: null }, returning: false })
      const response = await http.api('POST', `/newsletters/${created.id}/${action}`, asEditor())
      const refusedByState = response.status === 409 && /^Cannot /.test(response.json.errors[0].message)
      expect(refusedByState, `${action} on ${status}: ${response.text}`).toBe(!canRun(action, status))
    }
  })

  it('a cancelled send with failed deliveries is not offered a retry, and the endpoint agrees', async () => {
    expect(canRun('retry-failed', 'cancelled')).toBe(false)
    const created = await ctx.payload.create({ collection: 'newsletters', data: { subject: 'Cancelled with failures', intro: richText('Hello.') } as never })
    await ctx.payload.db.updateOne({ collection: 'newsletters', id: created.id, data: { status: 'cancelled' }, returning: false })
    const [subscriber] = await addSubscribers(ctx.payload, 1, { prefix: 'failed-once' })
    await ctx.payload.db.create({ collection: 'deliveries', data: { newsletter: created.id, subscriber, email: 'failed-once-0@example.com', status: 'failed', attempts: 3 } })
    const retry = await http.api('POST', `/newsletters/${created.id}/retry-failed`, asEditor())
    expect(retry.status).toBe(409)
  })

  it.each(NEWSLETTER_STATUSES)('a %s newsletter: the panel offers "Retry failed recipients only" exactly when the endpoint does it', async (status) => {
    for (const failed of [0, 1]) {
      const created = await ctx.payload.create({ collection: 'newsletters', data: { subject: `Retry ${status} ${failed}`, intro: richText('Hello.') } as never })
      await ctx.payload.db.updateOne({ collection: 'newsletters', id: created.id, data: { status, leaseOwner: null }, returning: false })
      if (failed) {
        const [subscriber] = await addSubscribers(ctx.payload, 1, { prefix: `retry-${status}` })
        await ctx.payload.db.create({ collection: 'deliveries', data: { newsletter: created.id, subscriber, email: `retry-${status}-0@example.com`, status: 'failed', attempts: 3 } })
      }
      const retry = await http.api('POST', `/newsletters/${created.id}/retry-failed`, asEditor())
      // SendProgress shows the button when canRetryFailed(status, counts.failed).
      expect(retry.status === 200, `${status} with ${failed} failed: ${retry.text}`).toBe(canRetryFailed(status, failed))
      if (!canRetryFailed(status, failed)) expect(retry.status).toBe(409)
    }
  })
})

describe('POST /api/newsletters/:id/send-test without SMTP_URL', () => {
  it('says which outbox file the test went to', async () => {
    const newsletter = await ctx.payload.create({ collection: 'newsletters', data: { subject: 'Outbox test', intro: richText('Hello from development.') } as never })
    const response = await http.api('POST', `/newsletters/${newsletter.id}/send-test`, asEditor())
    expect(response.status, response.text).toBe(202)
    expect(response.json.outboxFile).toMatch(/\.eml$/)
    const written = path.resolve(process.cwd(), response.json.outboxFile)
    expect(written.startsWith(outboxDir)).toBe(true)
    expect(fs.readFileSync(written, 'utf8')).toMatch(/^Subject: \[Test\] Outbox test/m)
  })
})

describe('POST /api/{collection}/:id/discard-if-empty', () => {
  /** What the admin's create view does for an autosaved collection: an empty draft, at once. */
  const createNewDocument = (collection: 'articles' | 'conditions' | 'services' | 'faqs') =>
    ctx.payload.create({ collection, data: {}, draft: true, depth: 0 } as never) as Promise<{ id: number }>
  const exists = async (collection: 'articles' | 'conditions' | 'services' | 'faqs', id: number | string) =>
    (await ctx.payload.count({ collection, where: { id: { equals: id } }, overrideAccess: true })).totalDocs === 1

  it.each(['articles', 'conditions', 'services', 'faqs'] as const)('deletes an untouched empty %s draft', async (collection) => {
    const { id } = await createNewDocument(collection)
    const response = await http.api('POST', `/${collection}/${id}/discard-if-empty`, asEditor())
    expect(response.status, response.text).toBe(200)
    expect(response.json.discarded).toBe(true)
    expect(await exists(collection, id)).toBe(false)
    expect((await ctx.payload.countVersions({ collection, where: { parent: { equals: id } }, overrideAccess: true })).totalDocs).toBe(0)
  })

  it('keeps a draft that was written in (autosaved), titled, or published, and refuses strangers', async () => {
    const autosaved = await createNewDocument('articles')
    await ctx.payload.update({ collection: 'articles', id: autosaved.id, draft: true, autosave: true, data: { excerpt: 'A first sentence, no title yet.' } })
    const kept = await http.api('POST', `/articles/${autosaved.id}/discard-if-empty`, asEditor())
    expect(kept.json).toMatchObject({ discarded: false, reason: 'Kept: it is edited.' })
    expect(await exists('articles', autosaved.id)).toBe(true)

    const titled = await ctx.payload.create({ collection: 'articles', draft: true, data: { title: 'A real draft' } as never })
    expect((await http.api('POST', `/articles/${titled.id}/discard-if-empty`, asEditor())).json.discarded).toBe(false)

    const published = await ctx.payload.create({ collection: 'articles', data: { title: 'Live', slug: 'live', content: richText('Body.'), _status: 'published' } })
    expect((await http.api('POST', `/articles/${published.id}/discard-if-empty`, asEditor())).json.discarded).toBe(false)

    const empty = await createNewDocument('articles')
    expect((await http.api('POST', `/articles/${empty.id}/discard-if-empty`)).status).toBe(401)
    expect(await exists('articles', empty.id)).toBe(true)
    expect((await http.api('POST', '/articles/not-an-id/discard-if-empty', asEditor())).status).toBe(404)
    // Collections without autosave have no such endpoint.
    expect((await http.api('POST', `/newsletters/${empty.id}/discard-if-empty`, asEditor())).status).toBe(404)
  })

  it('"Create New" sweeps empty drafts abandoned more than a day ago (a crashed browser), and only those', async () => {
    const abandoned = await createNewDocument('services')
    const recent = await createNewDocument('services')
    const writtenIn = await createNewDocument('services')
    await ctx.payload.update({ collection: 'services', id: writtenIn.id, draft: true, autosave: true, data: { name: 'Cupping' } })
    const longAgo = new Date(Date.now() - 25 * 60 * 60_000).toISOString()
    for (const id of [abandoned.id, writtenIn.id]) await ctx.payload.db.updateOne({ collection: 'services', id, data: { createdAt: longAgo }, returning: false })

    await createNewDocument('services')
    expect(await exists('services', abandoned.id)).toBe(false)
    expect(await exists('services', recent.id)).toBe(true)
    expect(await exists('services', writtenIn.id)).toBe(true)
  })
})
