import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { headerOf, receivedWith, sendNewsletterHere } from '../helpers/deliverability'
import { createStaff, PASSWORD } from '../helpers/fixtures'
import { addSubscribers, deliveriesOf, scheduleNewsletter, setUpClinic, unfolded } from '../helpers/newsletters'
import { stopMailingTest } from '../helpers/outgoingMail'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { startSmtpSink } from '../helpers/smtpSink'

/**
 * The headers mailbox providers sort by (emails/headers.ts), on mail sent through the real
 * pipeline to a real SMTP server: Message-ID random and on the From domain (and still what
 * bounces and complaints are matched by), List-Id, Precedence, Auto-Submitted, Feedback-ID, a
 * mailto: unsubscribe only with EMAIL_UNSUBSCRIBE_MAILBOX; and the test send carries a real
 * send's headers, its one-click URL answering 200 while unsubscribing nobody.
 */
const FROM_DOMAIN = 'stevenson-clinic.test'
let ctx: TestPayload
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let http: typeof import('../helpers/http')

beforeAll(async () => {
  sink = await startSmtpSink()
  Object.assign(process.env, { SMTP_URL: sink.url, EMAIL_FROM: `Stevenson Clinic <news@${FROM_DOMAIN}>` })
  delete process.env.EMAIL_UNSUBSCRIBE_MAILBOX
  ctx = await startTestPayload('deliverability-headers')
  http = await import('../helpers/http')
  await setUpClinic(ctx.payload)
  await createStaff(ctx.payload)
})

afterAll(() => stopMailingTest(ctx, sink))

const MESSAGE_ID = new RegExp(`^<[A-Za-z0-9_-]{24}@${FROM_DOMAIN.replace('.', '\\.')}>$`)

describe('newsletter headers', () => {
  it('has a random Message-ID on the From domain, stored on its delivery and matched by a complaint; List-Id, Precedence, Auto-Submitted, Feedback-ID', async () => {
    const ids = await addSubscribers(ctx.payload, 2, { prefix: 'headers' })
    const newsletter = await scheduleNewsletter(ctx.payload, { subject: 'Header stretches', sendAt: new Date().toISOString() })
    expect(await sendNewsletterHere(ctx.payload, newsletter.id)).toBe('finished')
    const raws = ids.map((_, i) => receivedWith(sink.messages, `To: headers-${i}@example.com`).raw)
    const messageIds = raws.map((raw) => headerOf(raw, 'Message-ID')!)
    for (const messageId of messageIds) {
      // 24 random base64url characters: no newsletter or subscriber id, no CMS host.
      expect(messageId).toMatch(MESSAGE_ID)
      expect(messageId).not.toMatch(/newsletter|subscriber|localhost/)
    }
    expect(messageIds[0]).not.toBe(messageIds[1])
    const deliveries = await deliveriesOf(ctx.payload, newsletter.id)
    expect(deliveries.map((delivery) => delivery.messageId).sort()).toEqual([...messageIds].sort())

    const raw = raws[0]!
    expect(headerOf(raw, 'List-Id')).toBe(`"Stevenson Clinic newsletter" <newsletter.${FROM_DOMAIN}>`)
    expect(headerOf(raw, 'Precedence')).toBe('bulk')
    expect(headerOf(raw, 'Auto-Submitted')).toBe('auto-generated')
    expect(headerOf(raw, 'Feedback-ID')).toBe(`${newsletter.id}:newsletter:newsletter:${FROM_DOMAIN}`)
    expect(headerOf(raw, 'List-Unsubscribe')).toMatch(/^<http:\/\/localhost:3000\/email\/unsubscribe\?token=[^>]+>$/)
    expect(headerOf(raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')

    // A provider's complaint names the Message-ID it received: it still finds the delivery.
    const { applyEmailEvents } = await import('../../src/emailEvents/apply')
    const bare = messageIds[1]!.slice(1, -1)
    const result = await applyEmailEvents(ctx.payload, [
      { provider: 'generic', eventId: 'complaint-1', type: 'complaint', email: 'headers-1@example.com', messageId: bare, occurredAt: new Date().toISOString() },
    ])
    expect(result.applied).toBe(1)
    const after = await deliveriesOf(ctx.payload, newsletter.id)
    expect(after.find((delivery) => delivery.messageId === messageIds[1])!.status).toBe('complained')
  })

  it('adds the mailto: unsubscribe only when EMAIL_UNSUBSCRIBE_MAILBOX names a mailbox', async () => {
    process.env.EMAIL_UNSUBSCRIBE_MAILBOX = `unsubscribe-requests@${FROM_DOMAIN}`
    try {
      await addSubscribers(ctx.payload, 1, { prefix: 'mailbox' })
      const newsletter = await scheduleNewsletter(ctx.payload, { subject: 'Mailbox stretches', audience: 'all', sendAt: new Date().toISOString() })
      expect(await sendNewsletterHere(ctx.payload, newsletter.id)).toBe('finished')
      const raw = receivedWith(sink.messages, 'To: mailbox-0@example.com').raw
      expect(headerOf(raw, 'List-Unsubscribe')).toMatch(
        new RegExp(`^<http://localhost:3000/email/unsubscribe\\?token=([^>]+)>, <mailto:unsubscribe-requests@${FROM_DOMAIN.replace('.', '\\.')}\\?subject=unsubscribe%20[^>]+>$`),
      )
    } finally {
      delete process.env.EMAIL_UNSUBSCRIBE_MAILBOX
    }
  })
})

describe('transactional headers', () => {
  it('are Auto-Submitted, with a random Message-ID on the From domain, and no bulk headers', async () => {
    const [id] = await addSubscribers(ctx.payload, 1, { prefix: 'welcome-headers' })
    const subscriber = await ctx.payload.db.findOne({ collection: 'subscribers', where: { id: { equals: id } } })
    const { sendSubscriberEmail } = await import('../../src/subscribers/mail')
    const { preferencesUrl } = await import('../../src/subscribers/links')
    await sendSubscriberEmail(ctx.payload, subscriber as never, 'welcome', { preferencesUrl: preferencesUrl(subscriber as never) })
    const raw = receivedWith(sink.messages, 'To: welcome-headers-0@example.com').raw
    expect(headerOf(raw, 'Message-ID')).toMatch(MESSAGE_ID)
    expect(headerOf(raw, 'Auto-Submitted')).toBe('auto-generated')
    expect(headerOf(raw, 'Precedence')).toBeUndefined()
    expect(headerOf(raw, 'List-Id')).toBeUndefined()
  })
})

describe('test send', () => {
  it('carries a real send’s headers and links, and its one-click unsubscribe answers 200 acting on nobody', async () => {
    const newsletter = await ctx.payload.create({
      collection: 'newsletters',
      data: { subject: 'Test-send stretches', intro: (await import('../helpers/fixtures')).richText('Three stretches for cold mornings.'), audience: 'all', status: 'draft' } as never,
    })
    const token = await http.login('editor@clinic.test', PASSWORD)
    const response = await http.api('POST', `/newsletters/${newsletter.id}/send-test`, { credentials: { token } })
    expect(response.status, response.text).toBe(202)
    const raw = receivedWith(sink.messages, 'Subject: [Test] Test-send stretches').raw
    expect(headerOf(raw, 'List-Id')).toBe(`"Stevenson Clinic newsletter" <newsletter.${FROM_DOMAIN}>`)
    expect(headerOf(raw, 'Precedence')).toBe('bulk')
    expect(headerOf(raw, 'Auto-Submitted')).toBe('auto-generated')
    expect(headerOf(raw, 'Feedback-ID')).toBe(`${newsletter.id}:newsletter:newsletter:${FROM_DOMAIN}`)
    expect(headerOf(raw, 'Message-ID')).toMatch(MESSAGE_ID)
    expect(headerOf(raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
    const url = /^<([^>]+)>$/.exec(headerOf(raw, 'List-Unsubscribe')!)![1]!
    expect(url).toBe('http://localhost:3000/email/unsubscribe?preview=1')
    // The body's links are the same preview links, not "#preview" anchors.
    const body = unfolded(raw)
    expect(body).toContain('href=3D"http://localhost:3000/email/unsubscribe?preview=3D1"')
    expect(body).not.toContain('#preview-')

    const before = await ctx.payload.count({ collection: 'subscribers', where: { status: { equals: 'unsubscribed' } }, overrideAccess: true })
    const route = await import('../../src/app/(subscribers)/email/unsubscribe/route')
    const oneClick = await route.POST(new Request(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' }))
    expect(oneClick.status).toBe(200)
    expect(await oneClick.text()).toMatch(/nobody was unsubscribed/)
    const page = await route.GET(new Request(url))
    expect(page.status).toBe(200)
    const after = await ctx.payload.count({ collection: 'subscribers', where: { status: { equals: 'unsubscribed' } }, overrideAccess: true })
    expect(after.totalDocs).toBe(before.totalDocs)
  })
})
