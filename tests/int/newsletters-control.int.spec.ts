import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../helpers/fixtures'
import { addSubscribers, setUpClinic } from '../helpers/newsletters'
import { type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'
import { startStaffPayload } from '../helpers/staffPayload'

/**
 * The people-facing side of sending, without a worker: who may move a newsletter's status
 * and how, the pause/resume/cancel/retry-failed/progress endpoints' answers, and what an
 * unsubscribe or an erasure does to deliveries.
 */

let ctx: TestPayload
let http: typeof import('../helpers/http')
let editorToken: string

beforeAll(async () => {
  ;({ ctx, http, editorToken } = await startStaffPayload('newsletters-control'))
  await setUpClinic(ctx.payload)
})

afterAll(() => stopTestPayloadIfStarted(ctx))

const asEditor = () => ({ credentials: { token: editorToken } })

describe('scheduling through REST', () => {
  it('schedules with sendAt defaulting to now, refuses empty newsletters and status jumps, ignores pipeline fields', async () => {
    const empty = await http.api('POST', '/newsletters', { ...asEditor(), body: { subject: 'Nothing inside', status: 'scheduled' } })
    expect(empty.status).toBe(400)
    expect(JSON.stringify(empty.json)).toMatch(/intro or at least one featured article/)

    const draft = await http.api('POST', '/newsletters', { ...asEditor(), body: { subject: 'Draft first', intro: richText('Hello.') } })
    expect(draft.status).toBe(201)
    const id = draft.json.doc.id
    expect(draft.json.doc.status).toBe('draft')

    const jump = await http.api('PATCH', `/newsletters/${id}`, { ...asEditor(), body: { status: 'sending' } })
    expect(jump.status).toBe(400)
    expect(JSON.stringify(jump.json)).toMatch(/can only become scheduled or cancelled/)

    const before = Date.now()
    const scheduled = await http.api('PATCH', `/newsletters/${id}`, {
      ...asEditor(),
      body: { status: 'scheduled', counts: { sent: 999 }, leaseOwner: 'me', snapshotDone: true },
    })
    expect(scheduled.status).toBe(200)
    expect(scheduled.json.doc.status).toBe('scheduled')
    expect(Date.parse(scheduled.json.doc.sendAt)).toBeGreaterThanOrEqual(before - 1000)
    const stored = await ctx.payload.db.findOne<any>({ collection: 'newsletters', where: { id: { equals: id } } })
    expect(stored.counts?.sent ?? 0).toBe(0)
    expect(stored.leaseOwner ?? null).toBeNull()
    expect(stored.snapshotDone ?? false).toBe(false)

    const back = await http.api('PATCH', `/newsletters/${id}`, { ...asEditor(), body: { status: 'draft' } })
    expect(back.status).toBe(200)
    expect(back.json.doc.status).toBe('draft')
  })
})

describe('control endpoints', () => {
  it('answer 401 anonymous, 404 unknown, 409 wrong state, and move states for staff', async () => {
    const { payload } = ctx
    const newsletter = await payload.create({ collection: 'newsletters', data: { subject: 'Levers', intro: richText('Hi.') } as never })
    const id = newsletter.id
    expect((await http.api('POST', `/newsletters/${id}/pause`)).status).toBe(401)
    expect((await http.api('GET', `/newsletters/${id}/progress`)).status).toBe(401)
    expect((await http.api('POST', `/newsletters/999999/pause`, asEditor())).status).toBe(404)
    expect((await http.api('POST', `/newsletters/not-an-id/resume`, asEditor())).status).toBe(404)

    const pauseDraft = await http.api('POST', `/newsletters/${id}/pause`, asEditor())
    expect(pauseDraft.status).toBe(409)
    expect(pauseDraft.json.errors[0].message).toMatch(/Cannot pause a newsletter that is draft/)

    // As the worker would have it: sending, with deliveries in every state.
    await payload.db.updateOne({ collection: 'newsletters', id, data: { status: 'sending', startedAt: new Date(Date.now() - 10_000).toISOString() } })
    const subscribers = await addSubscribers(payload, 6, { prefix: 'control' })
    const states = ['queued', 'queued', 'sent', 'failed', 'bounced', 'unknown']
    for (const [i, status] of states.entries()) {
      await payload.db.create({ collection: 'deliveries', data: { newsletter: id, subscriber: subscribers[i], email: `control-${i}@example.com`, status, attempts: 1 } })
    }
    const progress = await http.api('GET', `/newsletters/${id}/progress`, asEditor())
    expect(progress.status).toBe(200)
    expect(progress.json).toMatchObject({ status: 'sending', counts: { recipients: 6, queued: 2, sent: 1, failed: 1, bounced: 1, unknown: 1, sending: 0 } })
    expect(Date.parse(progress.json.estimatedFinishAt)).toBeGreaterThan(Date.now())

    expect((await http.api('POST', `/newsletters/${id}/pause`, asEditor())).status).toBe(200)
    expect((await http.api('POST', `/newsletters/${id}/pause`, asEditor())).status).toBe(409)
    expect((await http.api('POST', `/newsletters/${id}/resume`, asEditor())).status).toBe(200)

    const retry = await http.api('POST', `/newsletters/${id}/retry-failed`, asEditor())
    expect(retry.status).toBe(200)
    let after = await http.api('GET', `/newsletters/${id}/progress`, asEditor())
    // Only the failed one is queued again; bounced and unknown are never resent.
    expect(after.json.counts).toMatchObject({ queued: 3, failed: 0, bounced: 1, unknown: 1 })
    expect((await http.api('POST', `/newsletters/${id}/retry-failed`, asEditor())).status).toBe(409)

    const cancel = await http.api('POST', `/newsletters/${id}/cancel`, asEditor())
    expect(cancel.status).toBe(200)
    after = await http.api('GET', `/newsletters/${id}/progress`, asEditor())
    expect(after.json).toMatchObject({ status: 'cancelled', counts: { queued: 0, cancelled: 3, sent: 1 } })
    expect((await http.api('POST', `/newsletters/${id}/resume`, asEditor())).status).toBe(409)
  })
})

describe('subscribers and deliveries', () => {
  it('an unsubscribe skips queued deliveries; erasing a subscriber removes their address from deliveries', async () => {
    const { payload } = ctx
    const newsletter = await payload.create({ collection: 'newsletters', data: { subject: 'Privacy', intro: richText('Hi.') } as never })
    const [leaving, erased] = await addSubscribers(payload, 2, { prefix: 'privacy' })
    for (const [i, subscriber] of [leaving, erased].entries()) {
      await payload.db.create({ collection: 'deliveries', data: { newsletter: newsletter.id, subscriber, email: `privacy-${i}@example.com`, status: 'queued', attempts: 0 } })
    }
    await payload.update({ collection: 'subscribers', id: leaving, data: { status: 'unsubscribed' } })
    const skipped = await payload.db.findOne<any>({ collection: 'deliveries', where: { subscriber: { equals: leaving } } })
    expect(skipped.status).toBe('skipped')

    await payload.delete({ collection: 'subscribers', id: erased })
    const { docs } = await payload.db.find<any>({ collection: 'deliveries', where: { newsletter: { equals: newsletter.id } }, limit: 0, pagination: false })
    expect(docs.map((d) => d.email)).not.toContain('privacy-1@example.com')
    const anonymous = docs.find((d) => d.email === 'erased')
    expect(anonymous).toMatchObject({ status: 'skipped' })
    expect(anonymous.subscriber ?? null).toBeNull()
  })
})

describe('a schedule rests before a worker takes it', () => {
  it('is not due until SCHEDULE_SETTLE_MS after the save that scheduled it (SQLite writes its relationship rows after its row)', async () => {
    const { findDueNewsletters, SCHEDULE_SETTLE_MS } = await import('../../jobs/newsletters/store/newsletters')
    const article = await ctx.payload.create({
      collection: 'articles',
      data: { _status: 'published', title: 'Desk stretches', slug: `desk-stretches-${Date.now()}`, content: richText('Stand up.') },
    })
    const newsletter = await ctx.payload.create({
      collection: 'newsletters',
      data: { subject: 'Settling', intro: richText('Hello.'), featuredArticles: [article.id], status: 'scheduled' } as never,
    })
    const savedAt = Date.parse(String(newsletter.updatedAt))
    const dueIds = async (now: number) => (await findDueNewsletters(ctx.payload, now, 50)).map((doc) => doc.id)
    expect(await dueIds(savedAt + 10)).not.toContain(newsletter.id)
    const due = await findDueNewsletters(ctx.payload, savedAt + SCHEDULE_SETTLE_MS + 10, 50)
    expect(due.find((doc) => doc.id === newsletter.id)?.featuredArticles).toEqual([article.id])
  })
})
