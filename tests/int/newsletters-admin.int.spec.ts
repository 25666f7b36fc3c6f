import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createStaff, PASSWORD, richText } from '../helpers/fixtures'
import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'
import { startSmtpSink } from '../helpers/smtpSink'
import { decodedMail as decoded, waitForMails } from '../helpers/subscriberPages'

/**
 * The admin's newsletter endpoints (src/endpoints/newsletterPreview.ts) through the real
 * REST route handlers, with a real SMTP server receiving the test sends.
 */

let ctx: TestPayload
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let http: typeof import('../helpers/http')
let adminToken: string
let editorToken: string
let newsletterId: number | string
let articleId: number

const SUBJECT = 'Spring stretches & news'
const TEST_SENDS_PER_MINUTE = 3

beforeAll(async () => {
  sink = await startSmtpSink()
  process.env.SMTP_URL = sink.url
  process.env.EMAIL_FROM = 'Stevenson Clinic <news@stevenson-clinic.test>'
  process.env.NEWSLETTER_TEST_SENDS_PER_MINUTE = String(TEST_SENDS_PER_MINUTE)
  ctx = await startTestPayload('newsletters-admin')
  http = await import('../helpers/http')
  await ctx.payload.updateGlobal({
    slug: 'clinic',
    data: {
      name: 'Stevenson Clinic',
      bookingUrl: 'https://example.com/book',
      timezone: 'America/Chicago',
      mailingAddress: '123 Example St\nSpringfield, IL 62701',
      medicalDisclaimer: 'Massage therapy does not replace medical advice.',
    },
  })
  await createStaff(ctx.payload)
  adminToken = await http.login('owner@clinic.test', PASSWORD)
  editorToken = await http.login('editor@clinic.test', PASSWORD)
  const article = await ctx.payload.create({
    collection: 'articles',
    data: { _status: 'published', title: 'Easing desk-worker neck pain', slug: 'desk-neck', content: richText('Three stretches for the neck.') },
  })
  articleId = article.id
  const newsletter = await ctx.payload.create({
    collection: 'newsletters',
    data: { subject: SUBJECT, intro: richText('A short intro: spring is here.'), featuredArticles: [articleId], audience: 'all', template: 'newsletter', status: 'draft' },
    overrideAccess: true,
  })
  newsletterId = newsletter.id
})

afterAll(async () => {
  if (ctx) await stopTestPayload(ctx)
  await sink?.close()
})

const asAdmin = () => ({ token: adminToken })
const asEditor = () => ({ token: editorToken })



describe('GET /api/newsletters/:id/preview', () => {
  it('answers 401 to anonymous callers, without rendering anything', async () => {
    const response = await http.api('GET', `/newsletters/${newsletterId}/preview`)
    expect(response.status).toBe(401)
    expect(response.text).not.toContain(SUBJECT)
    expect(response.json.errors[0].message).toMatch(/Log in/)
  })

  it('renders the saved newsletter as HTML for staff (editors too), with a restrictive CSP', async () => {
    for (const credentials of [asAdmin(), asEditor()]) {
      const response = await http.api('GET', `/newsletters/${newsletterId}/preview`, { credentials })
      expect(response.status, response.text.slice(0, 500)).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/^text\/html/)
      const csp = response.headers.get('content-security-policy') ?? ''
      expect(csp).toMatch(/default-src 'none'/)
      expect(csp).not.toMatch(/script-src/)
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN')
      expect(response.headers.get('cache-control')).toMatch(/no-store/)
      expect(response.text).toMatch(/<html/i)
      expect(response.text).toContain('Easing desk-worker neck pain')
      expect(response.text).toContain('spring is here')
      // The clinic's footer: physical address and disclaimer.
      expect(response.text).toContain('123 Example St')
      expect(response.text).toContain('does not replace medical advice')
      // Personalised with the sample name; no token left over.
      expect(response.text).not.toMatch(/\{\{\s*(name|unsubscribeUrl|preferencesUrl)\s*\}\}/)
    }
  })

  it('?format=text answers the plain-text part', async () => {
    const response = await http.api('GET', `/newsletters/${newsletterId}/preview?format=text`, { credentials: asAdmin() })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(response.text).toMatch(/desk-worker neck pain/i)
    expect(response.text).toContain('spring is here')
    expect(response.text).not.toMatch(/<td|<table|<html/i)
    const bad = await http.api('GET', `/newsletters/${newsletterId}/preview?format=pdf`, { credentials: asAdmin() })
    expect(bad.status).toBe(400)
    expect(bad.json.errors[0].message).toMatch(/"format"/)
  })

  it('answers 404 for an unknown or malformed id', async () => {
    for (const id of ['999999', 'not a real id']) {
      const response = await http.api('GET', `/newsletters/${encodeURIComponent(id)}/preview`, { credentials: asAdmin() })
      expect(response.status, id).toBe(404)
      expect(response.json.errors[0].message).toMatch(/No newsletter/)
    }
  })
})

describe('POST /api/newsletters/preview (unsaved edits)', () => {
  it('renders what the form holds right now, not what is saved', async () => {
    const response = await http.api('POST', '/newsletters/preview', {
      credentials: asEditor(),
      body: { subject: 'Typed, not saved', intro: richText('A sentence typed a moment ago.'), featuredArticles: [{ id: articleId }], status: 'sent' },
    })
    expect(response.status, response.text.slice(0, 500)).toBe(200)
    expect(response.json.subject).toBe('Typed, not saved')
    expect(response.json.html).toContain('A sentence typed a moment ago.')
    expect(response.json.html).toContain('Easing desk-worker neck pain')
    expect(response.json.text).toContain('A sentence typed a moment ago.')
    expect(response.headers.get('cache-control')).toMatch(/no-store/)
    // Nothing was written.
    const saved = await ctx.payload.findByID({ collection: 'newsletters', id: newsletterId, depth: 0 })
    expect(saved.subject).toBe(SUBJECT)
    expect(saved.status).toBe('draft')
  })

  it('explains what is missing instead of failing: 422 for nothing to say, 400 for a bad body', async () => {
    const empty = await http.api('POST', '/newsletters/preview', { credentials: asAdmin(), body: { subject: 'Only a subject' } })
    expect(empty.status).toBe(422)
    expect(empty.json.errors[0].message).toMatch(/intro|article/i)

    const notJson = await http.api('POST', '/newsletters/preview', { credentials: asAdmin(), body: 'subject=x', headers: { 'Content-Type': 'text/plain' } })
    expect(notJson.status).toBe(400)
    const broken = await http.api('POST', '/newsletters/preview', { credentials: asAdmin(), body: '{"subject":', headers: { 'Content-Type': 'application/json' } })
    expect(broken.status).toBe(400)
    expect(broken.json.errors[0].message).toMatch(/not valid JSON/)
    const wrongShape = await http.api('POST', '/newsletters/preview', { credentials: asAdmin(), body: { subject: 'x', featuredArticles: 'all' } })
    expect(wrongShape.status).toBe(400)
    expect(wrongShape.json.errors[0].message).toMatch(/featuredArticles/)
  })

  it('answers 401 to anonymous callers', async () => {
    const response = await http.api('POST', '/newsletters/preview', { body: { subject: 'x', intro: richText('y') } })
    expect(response.status).toBe(401)
  })
})

describe('POST /api/newsletters/:id/send-test', () => {
  it('sends a [Test] copy to the logged-in user over SMTP, with List-Unsubscribe headers that change nothing', async () => {
    const response = await http.api('POST', `/newsletters/${newsletterId}/send-test`, { credentials: asEditor() })
    expect(response.status, response.text).toBe(202)
    expect(response.json.sentTo).toBe('editor@clinic.test')
    const [mail] = await waitForMails(sink.messages, 'editor@clinic.test', 1)
    const raw = decoded(mail.raw)
    expect(raw).toMatch(new RegExp(`^Subject: \\[Test\\] ${SUBJECT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'))
    // No mailto: without EMAIL_UNSUBSCRIBE_MAILBOX (tests/int/deliverability-headers.int.spec.ts has the rest of the headers).
    expect(raw).toMatch(/^List-Unsubscribe: <http:\/\/localhost:3000\/email\/unsubscribe\?preview=1>$/m)
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m)
    expect(raw).not.toMatch(/token=/)
    expect(raw).toMatch(/Content-Type: text\/plain/)
    expect(raw).toMatch(/Content-Type: text\/html/)
    expect(raw).toContain('Easing desk-worker neck pain')
    // Sent to the user only: no subscriber, no delivery record.
    expect(mail.to).toEqual(['editor@clinic.test'])
    const deliveries = await ctx.payload.count({ collection: 'deliveries', overrideAccess: true })
    expect(deliveries.totalDocs).toBe(0)
  })

  it('answers 401 anonymously and 404 for an unknown newsletter', async () => {
    expect((await http.api('POST', `/newsletters/${newsletterId}/send-test`)).status).toBe(401)
    const missing = await http.api('POST', '/newsletters/999999/send-test', { credentials: asAdmin() })
    expect(missing.status).toBe(404)
  })

  it(`limits each user to ${TEST_SENDS_PER_MINUTE} test sends a minute (429 with Retry-After), per user`, async () => {
    const before = sink.messages.filter((mail) => mail.to.includes('owner@clinic.test')).length
    const statuses: number[] = []
    let limited: Awaited<ReturnType<typeof http.api>> | undefined
    for (let attempt = 0; attempt < TEST_SENDS_PER_MINUTE + 1; attempt++) {
      const response = await http.api('POST', `/newsletters/${newsletterId}/send-test`, { credentials: asAdmin() })
      statuses.push(response.status)
      if (response.status === 429) limited = response
    }
    expect(statuses).toEqual([...Array(TEST_SENDS_PER_MINUTE).fill(202), 429])
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limited!.json.errors[0].message).toMatch(/Too many test emails/)
    // Exactly the allowed ones arrived.
    await waitForMails(sink.messages, 'owner@clinic.test', before + TEST_SENDS_PER_MINUTE)
    expect(sink.messages.filter((mail) => mail.to.includes('owner@clinic.test')).length).toBe(before + TEST_SENDS_PER_MINUTE)
    // Another user's allowance is their own (the editor used one above).
    const editor = await http.api('POST', `/newsletters/${newsletterId}/send-test`, { credentials: asEditor() })
    expect(editor.status).toBe(202)
  })
})
