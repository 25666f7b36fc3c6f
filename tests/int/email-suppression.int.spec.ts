import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../helpers/fixtures'
import { PASSWORD } from '../helpers/fixtures'
import { addSubscribers, setUpClinic } from '../helpers/newsletters'
import { type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'
import { startStaffPayload } from '../helpers/staffPayload'
import type { EmailEvent } from '../../src/emailEvents/types'

/**
 * What a provider's bounce or complaint does, once verified (src/emailEvents/apply.ts): the
 * subscriber's status, the delivery it names, the newsletter's report, the suppression list
 * and its lift. The signatures and HTTP side are in email-events*.int.spec.ts.
 */

let ctx: TestPayload
let http: typeof import('../helpers/http')
let editorToken: string
let adminToken: string
let apply: typeof import('../../src/emailEvents/apply').applyEmailEvents
let newsletterId: number | string
let eventSeq = 0

beforeAll(async () => {
  ;({ ctx, http, editorToken } = await startStaffPayload('email-suppression'))
  adminToken = await http.login('owner@clinic.test', PASSWORD)
  await setUpClinic(ctx.payload)
  apply = (await import('../../src/emailEvents/apply')).applyEmailEvents
  const newsletter = await ctx.payload.create({ collection: 'newsletters', data: { subject: 'December stretches', intro: richText('Hi.') } as never })
  newsletterId = newsletter.id
  await ctx.payload.db.updateOne({ collection: 'newsletters', id: newsletterId, data: { status: 'sending', startedAt: new Date().toISOString() } })
})

afterAll(() => stopTestPayloadIfStarted(ctx))

const event = (type: EmailEvent['type'], email: string, extra: Partial<EmailEvent> = {}): EmailEvent => ({
  provider: 'postmark',
  eventId: `evt-${++eventSeq}`,
  type,
  email,
  occurredAt: new Date(Date.now() + eventSeq).toISOString(),
  ...extra,
})
const subscriber = async (id: number | string) => (await ctx.payload.db.findOne<any>({ collection: 'subscribers', where: { id: { equals: id } } }))!
const delivery = async (id: number | string) => (await ctx.payload.db.findOne<any>({ collection: 'deliveries', where: { id: { equals: id } } }))!
const suppressionsOf = async (id: number | string) =>
  (await ctx.payload.find({ collection: 'suppressions', where: { subscriber: { equals: id } }, overrideAccess: true, sort: 'createdAt' })).docs
const addDelivery = async (subscriberId: number | string, email: string, status: string, extra: Record<string, unknown> = {}) =>
  (await ctx.payload.db.create({ collection: 'deliveries', data: { newsletter: newsletterId, subscriber: subscriberId, email, status, attempts: 1, ...extra } })).id

describe('hard bounces', () => {
  it('suppress the subscriber, mark the delivery named by its Message-ID, update the report, and count once', async () => {
    const [id] = await addSubscribers(ctx.payload, 1, { prefix: 'hard' })
    const email = 'hard-0@example.com'
    const deliveryId = await addDelivery(id, email, 'sent', { messageId: '<newsletter-1.subscriber-hard@clinic.test>', sentAt: new Date(Date.now() - 60_000).toISOString() })
    const bounce = event('hard_bounce', 'HARD-0@example.com', { messageId: 'newsletter-1.subscriber-hard@clinic.test', reason: '550 5.1.1 user unknown' })

    expect(await apply(ctx.payload, [bounce, bounce])).toMatchObject({ applied: 1, duplicates: 1 })
    expect(await subscriber(id)).toMatchObject({ status: 'bounced' })
    expect(await delivery(deliveryId)).toMatchObject({ status: 'bounced', lastError: expect.stringMatching(/hard bounce reported by postmark: 550 5\.1\.1/) })
    expect(await suppressionsOf(id)).toMatchObject([{ email: 'HARD-0@example.com', kind: 'hard_bounce', source: 'postmark', reason: '550 5.1.1 user unknown', state: 'active' }])
    const stored = await ctx.payload.db.findOne<any>({ collection: 'newsletters', where: { id: { equals: newsletterId } } })
    expect(stored.counts.bounced).toBeGreaterThanOrEqual(1)

    // The provider retries the same event: no second effect, no second row.
    expect(await apply(ctx.payload, [bounce])).toMatchObject({ applied: 0, duplicates: 1 })
    expect(await suppressionsOf(id)).toHaveLength(1)
    const ledger = await ctx.payload.find({ collection: 'email-events', where: { subscriber: { equals: id } }, overrideAccess: true })
    expect(ledger.docs).toMatchObject([{ type: 'hard_bounce', provider: 'postmark', newsletter: expect.anything(), effect: 'suppressed (hard bounce)' }])
  })

  it('for an address nobody subscribed change nothing and keep nothing', async () => {
    const before = await ctx.payload.db.count({ collection: 'email-events' })
    expect(await apply(ctx.payload, [event('hard_bounce', 'stranger@example.com'), event('complaint', 'stranger@example.com')])).toMatchObject({ applied: 0, unknownAddress: 2 })
    expect(await ctx.payload.db.count({ collection: 'email-events' })).toEqual(before)
  })

  it('a Message-ID of another subscriber\'s delivery does not touch that delivery', async () => {
    const [victim, bouncer] = await addSubscribers(ctx.payload, 2, { prefix: 'other-mid' })
    const deliveryId = await addDelivery(victim, 'other-mid-0@example.com', 'sent', { messageId: '<victim@clinic.test>' })
    await apply(ctx.payload, [event('hard_bounce', 'other-mid-1@example.com', { messageId: 'victim@clinic.test' })])
    expect(await delivery(deliveryId)).toMatchObject({ status: 'sent' })
    expect(await subscriber(victim)).toMatchObject({ status: 'confirmed' })
    expect(await subscriber(bouncer)).toMatchObject({ status: 'bounced' })
  })
})

describe('soft bounces', () => {
  it(`suppress after EMAIL_SOFT_BOUNCE_LIMIT (3) in a row; a delivery that went through starts the count again`, async () => {
    const [id] = await addSubscribers(ctx.payload, 1, { prefix: 'soft' })
    const email = 'soft-0@example.com'
    await apply(ctx.payload, [event('soft_bounce', email, { reason: 'mailbox full' })])
    await apply(ctx.payload, [event('soft_bounce', email)])
    expect(await subscriber(id)).toMatchObject({ status: 'confirmed' })
    // A newsletter reached them after those two: they start again from zero.
    await addDelivery(id, email, 'sent', { sentAt: new Date(Date.now() + ++eventSeq).toISOString() })
    await apply(ctx.payload, [event('soft_bounce', email)])
    await apply(ctx.payload, [event('soft_bounce', email)])
    expect(await subscriber(id)).toMatchObject({ status: 'confirmed' })
    await apply(ctx.payload, [event('soft_bounce', email, { reason: '452 mailbox full' })])
    expect(await subscriber(id)).toMatchObject({ status: 'bounced' })
    expect(await suppressionsOf(id)).toMatchObject([{ kind: 'soft_bounces', reason: expect.stringMatching(/^3 soft bounces in a row; last: 452 mailbox full/) }])
  })
})

describe('a batch', () => {
  it('acts like its events one at a time: three soft bounces in one batch suppress, as in three', async () => {
    const [id] = await addSubscribers(ctx.payload, 1, { prefix: 'soft-batch' })
    const email = 'soft-batch-0@example.com'
    const result = await apply(ctx.payload, [event('soft_bounce', email), event('soft_bounce', email), event('soft_bounce', email, { reason: 'quota' })])
    expect(result).toMatchObject({ applied: 3, duplicates: 0 })
    expect(await subscriber(id)).toMatchObject({ status: 'bounced' })
    expect(await suppressionsOf(id)).toMatchObject([{ kind: 'soft_bounces', reason: '3 soft bounces in a row; last: quota' }])
    const ledger = await ctx.payload.find({ collection: 'email-events', where: { subscriber: { equals: id } }, overrideAccess: true, sort: 'occurredAt' })
    expect(ledger.docs.map((row) => row.effect)).toEqual(['counted (soft bounce 1 of 3)', 'counted (soft bounce 2 of 3)', 'suppressed (3 soft bounces in a row)'])
  })

  it('names the latest delivery before a report without a Message-ID, also one older than the recent deliveries read first', async () => {
    const [onlyOld, bouncedRecently] = await addSubscribers(ctx.payload, 2, { prefix: 'old-delivery' })
    const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000).toISOString()
    const oldOnly = await addDelivery(onlyOld, 'old-delivery-0@example.com', 'sent', { sentAt: daysAgo(90) })
    const earlier = await ctx.payload.create({ collection: 'newsletters', data: { subject: 'August stretches', intro: richText('Hi.') } as never })
    const oldSent = await addDelivery(bouncedRecently, 'old-delivery-1@example.com', 'sent', { sentAt: daysAgo(120), newsletter: earlier.id })
    // A recent one that already bounced cannot bounce again: the hard bounce is about the one before.
    const recent = await addDelivery(bouncedRecently, 'old-delivery-1@example.com', 'bounced', { sentAt: daysAgo(2) })
    await apply(ctx.payload, [event('hard_bounce', 'old-delivery-0@example.com'), event('hard_bounce', 'old-delivery-1@example.com')])
    expect(await delivery(oldOnly)).toMatchObject({ status: 'bounced' })
    expect(await delivery(oldSent)).toMatchObject({ status: 'bounced' })
    expect(await subscriber(bouncedRecently)).toMatchObject({ status: 'bounced' })
  })

  it('applied twice at once (a provider retrying a request still in progress) has one effect and one ledger row', async () => {
    const [id] = await addSubscribers(ctx.payload, 1, { prefix: 'twice-at-once' })
    const bounce = event('hard_bounce', 'twice-at-once-0@example.com', { reason: '550 5.1.1 user unknown' })
    const [first, second] = await Promise.all([apply(ctx.payload, [bounce]), apply(ctx.payload, [bounce])])
    expect(first.applied + second.applied).toBe(1)
    expect(first.duplicates + second.duplicates).toBe(1)
    expect(await subscriber(id)).toMatchObject({ status: 'bounced' })
    expect(await suppressionsOf(id)).toHaveLength(1)
    expect((await ctx.payload.db.count({ collection: 'email-events', where: { subscriber: { equals: id } } })).totalDocs).toBe(1)
  })
})

describe('complaints', () => {
  it('stop the queued deliveries of a send in progress at once and count as marked-as-spam in the report', async () => {
    const [id] = await addSubscribers(ctx.payload, 1, { prefix: 'complains' })
    const email = 'complains-0@example.com'
    const sentId = await addDelivery(id, email, 'sent', { messageId: '<complained-one@clinic.test>' })
    const other = await ctx.payload.create({ collection: 'newsletters', data: { subject: 'Next one', intro: richText('Hi.') } as never })
    const queuedId = (await ctx.payload.db.create({ collection: 'deliveries', data: { newsletter: other.id, subscriber: id, email, status: 'queued', attempts: 0 } })).id

    await apply(ctx.payload, [event('complaint', email, { messageId: '<complained-one@clinic.test>', reason: 'abuse' })])
    expect(await subscriber(id)).toMatchObject({ status: 'complained' })
    expect(await delivery(sentId)).toMatchObject({ status: 'complained' })
    expect(await delivery(queuedId)).toMatchObject({ status: 'skipped', lastError: 'The address complained (spam report).' })
    const stored = await ctx.payload.db.findOne<any>({ collection: 'newsletters', where: { id: { equals: newsletterId } } })
    expect(stored.counts.complained).toBe(1)
    expect(await suppressionsOf(id)).toMatchObject([{ kind: 'complaint', source: 'postmark', reason: 'abuse' }])
  })

  it('replace an earlier bounce: the list shows both', async () => {
    const [id] = await addSubscribers(ctx.payload, 1, { prefix: 'bounce-then-complain' })
    const email = 'bounce-then-complain-0@example.com'
    await apply(ctx.payload, [event('hard_bounce', email), event('complaint', email)])
    expect(await subscriber(id)).toMatchObject({ status: 'complained' })
    expect((await suppressionsOf(id)).map((row) => row.kind)).toEqual(['hard_bounce', 'complaint'])
  })
})

describe('the suppression list', () => {
  it('is for admins only; an admin lifts an entry with a reason, once, and the subscriber is confirmed again', async () => {
    const [id] = await addSubscribers(ctx.payload, 1, { prefix: 'lifted' })
    await ctx.payload.db.updateOne({ collection: 'subscribers', id, data: { confirmedAt: new Date().toISOString() } })
    await apply(ctx.payload, [event('hard_bounce', 'lifted-0@example.com', { reason: 'mailbox disabled' })])
    const [entry] = await suppressionsOf(id)

    expect((await http.api('GET', '/suppressions')).status).toBe(403)
    expect((await http.api('GET', '/email-events')).status).toBe(403)
    expect((await http.api('GET', '/suppressions', { credentials: { token: editorToken } })).status).toBe(403)
    expect((await http.api('PATCH', `/suppressions/${entry.id}`, { credentials: { token: editorToken }, body: { liftReason: 'I say so' } })).status).toBe(403)

    const admin = { credentials: { token: adminToken } }
    const listed = await http.api('GET', '/suppressions?where[state][equals]=active', admin)
    expect(listed.status).toBe(200)
    expect(listed.json.docs.map((row: { email: string }) => row.email)).toContain('lifted-0@example.com')

    const noReason = await http.api('PATCH', `/suppressions/${entry.id}`, { ...admin, body: { liftReason: ' ' } })
    expect(noReason.status).toBe(400)
    expect(noReason.json.errors[0].message).toMatch(/Write why this address may receive mail again/)
    expect(await subscriber(id)).toMatchObject({ status: 'bounced' })

    // The request cannot set the state, the time or who lifted it: the hook does.
    const lifted = await http.api('PATCH', `/suppressions/${entry.id}`, { ...admin, body: { liftReason: 'Patient fixed their mailbox, told us by phone.', kind: 'complaint', liftedBy: 999 } })
    expect(lifted.status).toBe(200)
    expect(lifted.json.doc).toMatchObject({ state: 'lifted', kind: 'hard_bounce', liftReason: 'Patient fixed their mailbox, told us by phone.', liftedAt: expect.any(String) })
    expect(lifted.json.doc.liftedBy?.email ?? lifted.json.doc.liftedBy).not.toBe(999)
    expect(await subscriber(id)).toMatchObject({ status: 'confirmed', bounceCount: 0, suppressionLiftedAt: expect.any(String) })

    const again = await http.api('PATCH', `/suppressions/${entry.id}`, { ...admin, body: { liftReason: 'Once more, please.' } })
    expect(again.status).toBe(409)
  })
})
