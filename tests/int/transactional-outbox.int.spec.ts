import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createStaff, PASSWORD } from '../helpers/fixtures'
import { stopMailingTest } from '../helpers/outgoingMail'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { startSmtpSink } from '../helpers/smtpSink'
import { decodedMail, mailsTo } from '../helpers/subscriberPages'
import { clientAddressHeaders } from '../../src/security/clientIp'
import type { TransactionalEmail } from '../../payload-types'

/**
 * Durable transactional mail (emails/outbox, jobs/transactional): each confirmation,
 * already-subscribed, welcome and password-reset email is a row recorded before its first
 * attempt; the worker's dispatcher retries what failed or never happened, on a clock the test
 * sets, and never sends one twice. Real signups through the REST routes, a real SMTP sink that
 * refuses chosen recipients. The kill -9 of the real server is in
 * tests/e2e/transactional-outbox.e2e.spec.ts.
 */
let ctx: TestPayload
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let http: typeof import('../helpers/http')
let service: typeof import('../../src/subscribers/service')
let outbox: typeof import('../../emails/outbox')
let store: typeof import('../../emails/outbox/store')
let Dispatcher: typeof import('../../jobs/transactional/dispatcher').TransactionalMailDispatcher
let editorToken: string
let adminToken: string
let ip = 0
/** Recipient → the SMTP answer to RCPT TO (451: try later; 550: no such mailbox). */
const refusals = new Map<string, { code: number; message: string }>()

beforeAll(async () => {
  sink = await startSmtpSink({ rejectRecipient: (address) => refusals.get(address.toLowerCase()) })
  process.env.SMTP_URL = sink.url
  process.env.EMAIL_FROM = 'Stevenson Clinic <news@stevenson-clinic.test>'
  ctx = await startTestPayload('transactional-outbox')
  http = await import('../helpers/http')
  service = await import('../../src/subscribers/service')
  outbox = await import('../../emails/outbox')
  store = await import('../../emails/outbox/store')
  Dispatcher = (await import('../../jobs/transactional/dispatcher')).TransactionalMailDispatcher
  await createStaff(ctx.payload)
  editorToken = await http.login('editor@clinic.test', PASSWORD)
  adminToken = await http.login('owner@clinic.test', PASSWORD)
  await ctx.payload.updateGlobal({ slug: 'clinic', data: { name: 'Stevenson Clinic', bookingUrl: 'https://example.com/book', timezone: 'America/Chicago' } })
})

afterAll(() => stopMailingTest(ctx, sink))

const subscribe = async (email: string) => {
  const response = await http.api('POST', '/subscribe', { body: { email }, headers: clientAddressHeaders(`10.44.0.${++ip}`) })
  expect(response.status).toBe(202)
  await service.signupsSettled()
}

const rowsTo = async (to: string) =>
  (await ctx.payload.find({ collection: 'transactional-emails', where: { to: { equals: to } }, sort: 'createdAt', overrideAccess: true, depth: 0, showHiddenFields: true }))
    .docs as TransactionalEmail[]
const only = async (to: string) => {
  const rows = await rowsTo(to)
  expect(rows).toHaveLength(1)
  return rows[0]
}
const later = (ms: number) => new Date(Date.now() + ms)
const dispatcherAt = (at: () => Date, config: Record<string, number> = {}) => new Dispatcher(ctx.payload, config, { now: at })

describe('a confirmation email', () => {
  it('is recorded, then sent once, and its row says so', async () => {
    const address = 'first.try@example.com'
    await subscribe(address)
    expect(mailsTo(sink.messages, address)).toHaveLength(1)
    expect(await only(address)).toMatchObject({ kind: 'confirmation', status: 'sent', attempts: 1, smtpResponse: expect.stringMatching(/^250/), lastError: null })
    // A second round of the worker finds nothing to do.
    await dispatcherAt(() => later(3_600_000)).runOnce()
    expect(mailsTo(sink.messages, address)).toHaveLength(1)
  })

  it('refused for now (451) waits as `retrying`; the worker sends it once when due, however many workers race for it', async () => {
    const address = 'try.later@example.com'
    refusals.set(address, { code: 451, message: '4.7.1 Greylisted, try again later' })
    await subscribe(address)
    const failed = await only(address)
    expect(failed).toMatchObject({ kind: 'confirmation', status: 'retrying', attempts: 1, lastError: expect.stringMatching(/451|Greylisted/) })
    expect(Date.parse(failed.nextAttemptAt!)).toBeGreaterThan(Date.now())
    expect(mailsTo(sink.messages, address)).toHaveLength(0)

    refusals.delete(address)
    // Not due yet: nothing moves.
    await dispatcherAt(() => new Date()).runOnce()
    expect(await only(address)).toMatchObject({ status: 'retrying', attempts: 1 })

    // Due: three workers take their round at the same moment; one of them sends it.
    const due = () => later(2 * 3_600_000)
    await Promise.all([dispatcherAt(due).runOnce(), dispatcherAt(due).runOnce(), dispatcherAt(due).runOnce()])
    expect(mailsTo(sink.messages, address)).toHaveLength(1)
    expect(decodedMail(mailsTo(sink.messages, address)[0].raw)).toMatch(/\/email\/confirm\?token=/)
    expect(await only(address)).toMatchObject({ status: 'sent', attempts: 2, lastError: null, nextAttemptAt: null })
    await dispatcherAt(() => later(4 * 3_600_000)).runOnce()
    expect(mailsTo(sink.messages, address)).toHaveLength(1)
  })

  it('gives up after the allowed attempts and shows why', async () => {
    const address = 'never.ready@example.com'
    refusals.set(address, { code: 452, message: '4.2.2 Mailbox full' })
    await subscribe(address)
    await dispatcherAt(() => later(2 * 3_600_000), { maxAttempts: 2 }).runOnce()
    expect(await only(address)).toMatchObject({ status: 'failed', attempts: 2, lastError: expect.stringMatching(/^Gave up after 2 attempts: .*(452|Mailbox full)/), nextAttemptAt: null })
    await dispatcherAt(() => later(10 * 3_600_000), { maxAttempts: 2 }).runOnce()
    expect(await only(address)).toMatchObject({ status: 'failed', attempts: 2 })
    expect(mailsTo(sink.messages, address)).toHaveLength(0)
  })

  it('refused for good (550 5.1.1) fails at once and suppresses the address: its next signup gets nothing', async () => {
    const address = 'no.such.mailbox@example.com'
    refusals.set(address, { code: 550, message: '5.1.1 User unknown' })
    await subscribe(address)
    expect(await only(address)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/550|User unknown/) })
    const { docs } = await ctx.payload.find({ collection: 'subscribers', where: { email: { equals: address } }, overrideAccess: true })
    expect(docs[0]).toMatchObject({ status: 'bounced' })
    refusals.delete(address)
    await subscribe(address)
    expect(await rowsTo(address)).toHaveLength(1)
    expect(mailsTo(sink.messages, address)).toHaveLength(0)
  })
})

describe('when the process died', () => {
  it('between record and attempt: the worker sends the queued row once the grace period is over, once', async () => {
    const address = 'recorded.only@example.com'
    const id = await store.recordOutboxRow(ctx.payload, { kind: 'system', to: address, subject: 'Recorded, then the process died', message: { html: '<p>Hello</p>', text: 'Hello' } })
    // Within the grace period the row belongs to the process that recorded it.
    await dispatcherAt(() => later(10_000)).runOnce()
    expect(mailsTo(sink.messages, address)).toHaveLength(0)
    const due = () => later(60_000)
    await Promise.all([dispatcherAt(due).runOnce(), dispatcherAt(due).runOnce()])
    expect(mailsTo(sink.messages, address)).toHaveLength(1)
    expect(await only(address)).toMatchObject({ id, status: 'sent', attempts: 1 })
  })

  it('mid-send: after the lease the row is `unknown` and never sent again (the server may have taken it)', async () => {
    const address = 'mid.send@example.com'
    const id = await store.recordOutboxRow(ctx.payload, { kind: 'system', to: address, subject: 'Died mid-send', message: { html: '<p>Hello</p>', text: 'Hello' } })
    const row = (await store.readOutboxRow(ctx.payload, id))!
    // What the dying process did: it took the row for its attempt, then never finished it.
    expect(await store.claimOutboxRow(ctx.payload, row, new Date())).toBe(true)
    await dispatcherAt(() => later(60_000)).runOnce()
    expect(await only(address)).toMatchObject({ status: 'sending' })
    await dispatcherAt(() => later(6 * 60_000)).runOnce()
    expect(await only(address)).toMatchObject({ status: 'unknown', lastError: expect.stringMatching(/stopped mid-send/) })
    await dispatcherAt(() => later(24 * 3_600_000)).runOnce()
    expect(mailsTo(sink.messages, address)).toHaveLength(0)
    expect(await only(address)).toMatchObject({ status: 'unknown', attempts: 1 })
  })
})

describe('suppressed addresses', () => {
  it('get nothing, whatever the email: the row is `skipped` with the reason', async () => {
    const address = 'complains.a.lot@example.com'
    const subscriber = await ctx.payload.create({ collection: 'subscribers', data: { email: address, status: 'complained' } as never, overrideAccess: true })
    expect(await outbox.sendTransactionalEmail(ctx.payload, { kind: 'system', to: address, subject: 'Anything', html: '<p>x</p>', text: 'x' })).toBe('skipped')
    expect(await outbox.sendTransactionalEmail(ctx.payload, { kind: 'welcome', to: address, subscriber: subscriber.id, subject: 'Welcome', html: '<p>x</p>', text: 'x' })).toBe(
      'skipped',
    )
    expect((await rowsTo(address)).map((row) => [row.status, row.lastError])).toEqual([
      ['skipped', expect.stringMatching(/suppression list/)],
      ['skipped', expect.stringMatching(/suppression list/)],
    ])
    expect(mailsTo(sink.messages, address)).toHaveLength(0)
  })
})

describe("Payload's password reset", () => {
  it('goes through the outbox like the others (after the answer, whose timing must not tell which addresses exist)', async () => {
    const response = await http.api('POST', '/users/forgot-password', { body: { email: 'editor@clinic.test' }, headers: clientAddressHeaders('10.44.1.1') })
    expect(response.status).toBe(200)
    const { mailAfterAnswerSettled } = await import('../../src/utilities/mailAfterAnswer')
    await mailAfterAnswerSettled()
    expect(await only('editor@clinic.test')).toMatchObject({ kind: 'password-reset', status: 'sent' })
    expect(decodedMail(mailsTo(sink.messages, 'editor@clinic.test')[0].raw)).toMatch(/reset-password\?token=|\/reset\//)
  })
})

describe('who sees the outbox', () => {
  it('staff read the rows (not the message, which holds live links); the public reads nothing; nobody writes them through the API', async () => {
    const anonymous = await http.api('GET', '/transactional-emails')
    expect(anonymous.status).toBe(403)
    const staff = await http.api('GET', '/transactional-emails?limit=100', { credentials: { token: editorToken } })
    expect(staff.status).toBe(200)
    expect(staff.json.docs.length).toBeGreaterThan(3)
    expect(staff.json.docs[0]).toHaveProperty('status')
    for (const doc of staff.json.docs) expect(doc).not.toHaveProperty('message')
    expect(JSON.stringify(staff.json)).not.toMatch(/confirm\?token=/)

    const id = staff.json.docs[0].id
    for (const token of [editorToken, adminToken]) {
      expect((await http.api('POST', '/transactional-emails', { credentials: { token }, body: { kind: 'system', to: 'x@example.com', subject: 'x' } })).status).toBe(403)
      expect((await http.api('PATCH', `/transactional-emails/${id}`, { credentials: { token }, body: { status: 'queued' } })).status).toBe(403)
    }
    const graphql = await http.gql('{ TransactionalEmails { docs { to } } }')
    expect(JSON.stringify(graphql.json)).not.toMatch(/@example\.com/)
  })

  it("a subscriber's erasure takes their outbox rows with it", async () => {
    const address = 'erase.me@example.com'
    await subscribe(address)
    expect(await rowsTo(address)).toHaveLength(1)
    const { docs } = await ctx.payload.find({ collection: 'subscribers', where: { email: { equals: address } }, overrideAccess: true })
    await ctx.payload.delete({ collection: 'subscribers', id: docs[0].id, overrideAccess: true })
    expect(await rowsTo(address)).toHaveLength(0)
  })
})
