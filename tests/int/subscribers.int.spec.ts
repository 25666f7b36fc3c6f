import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../helpers/fixtures'
import { stopTestPayload, type TestPayload } from '../helpers/payload'
import { clientAddressHeaders } from '../../src/security/clientIp'
import { decodedMail as decoded, linkIn, openAndConfirm, waitForMailMatching as waitForMailAt, waitForMails } from '../helpers/subscriberPages'
import { startSubscriberTest, type SubscriberTest } from '../helpers/subscriberTest'
import { outgoingMailSettled } from '../helpers/outgoingMail'

let ctx: TestPayload, sink: SubscriberTest['sink'], http: SubscriberTest['http']
let confirmRoute: SubscriberTest['confirmRoute'], unsubscribeRoute: SubscriberTest['unsubscribeRoute'], preferencesRoute: SubscriberTest['preferencesRoute']
let tokens: typeof import('../../src/subscribers/tokens')
let ipCounter = 0

beforeAll(async () => {
  ;({ sink, ctx, http, service, confirmRoute, unsubscribeRoute, preferencesRoute } = await startSubscriberTest('subscribers'))
  tokens = await import('../../src/subscribers/tokens')
  await ctx.payload.updateGlobal({
    slug: 'clinic',
    data: { name: 'Stevenson Clinic', bookingUrl: 'https://example.com/book', timezone: 'America/Chicago', mailingAddress: '123 Example St\nSpringfield', medicalDisclaimer: 'Not medical advice.' },
  })
  for (const [name, slug] of [['Low back pain', 'low-back-pain'], ['Sciatica', 'sciatica']]) {
    await ctx.payload.create({ collection: 'conditions', data: { _status: 'published', name, slug, summary: name } })
  }
})

afterAll(async () => {
  // Mail goes out after the answers: wait until it has reached the sink.
  await outgoingMailSettled()
  if (ctx) await stopTestPayload(ctx)
  await sink?.close()
})

let service: SubscriberTest['service']
const waitForMail = async (address: string, count = 1) => (await waitForMails(sink.messages, address, count))[count - 1]
const waitForMailMatching = (address: string, pattern: RegExp) => waitForMailAt(sink.messages, address, pattern)

const subscribe = async (body: unknown, headers: Record<string, string> = {}) => {
  const response = await http.api('POST', '/subscribe', { body, headers: { ...clientAddressHeaders(`10.0.0.${++ipCounter}`), ...headers } })
  // The answer comes first; the signup is written after it (the same work for every address).
  await service.signupsSettled()
  return response
}





const subscriberByEmail = async (email: string) =>
  (await ctx.payload.find({ collection: 'subscribers', where: { email: { equals: email } }, overrideAccess: true })).docs[0]

describe('double opt-in', () => {
  it('subscribe → email → confirm link → confirmed', async () => {
    const response = await subscribe({ email: 'Ann.Reader@Example.COM ', name: 'Ann', topics: ['low-back-pain'] })
    expect(response.status).toBe(202)
    const stored = await subscriberByEmail('Ann.Reader@example.com')
    expect(stored.status).toBe('pending')
    expect(stored.consent?.ip).toMatch(/^10\.0\.0\./)
    expect(stored.consent?.text).toBeTruthy()

    const mail = await waitForMail('Ann.Reader@example.com')
    expect(mail.raw).toMatch(/Content-Type: text\/plain/)
    expect(mail.raw).toMatch(/Content-Type: text\/html/)
    expect(decoded(mail.raw)).toMatch(/List-Unsubscribe: <https?:\/\/[^>]+\/email\/unsubscribe\?token=[^>]+>(?!,\s*<mailto:)/)
    expect(decoded(mail.raw)).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/)
    const page = await openAndConfirm(confirmRoute, linkIn(mail.raw, '/email/confirm'))
    expect(page.status).toBe(200)
    expect(await page.text()).toMatch(/You are subscribed/)
    const confirmed = await subscriberByEmail('Ann.Reader@example.com')
    expect(confirmed.status).toBe('confirmed')
    expect(confirmed.confirmedAt).toBeTruthy()

    const again = await confirmRoute.GET(new Request(linkIn(mail.raw, '/email/confirm')))
    expect(again.status).toBe(200)
    expect(await again.text()).toMatch(/You are subscribed/)
  })

  it('answers identically for new, pending, confirmed and unsubscribed addresses', async () => {
    const fresh = await subscribe({ email: 'brand-new@example.com' })
    const known = await subscribe({ email: 'Ann.Reader@example.com' })
    expect(known.status).toBe(fresh.status)
    expect(known.text).toBe(fresh.text)
    await waitForMailMatching('Ann.Reader@example.com', /already subscribed/i)
  })

  it('tampered, expired and reused confirmation links get a clear page, not a 500', async () => {
    await subscribe({ email: 'carl@example.com' })
    const first = linkIn((await waitForMail('carl@example.com')).raw, '/email/confirm')
    const tampered = first.slice(0, -3) + (first.endsWith('AAA') ? 'BBB' : 'AAA')
    const tamperedPage = await confirmRoute.GET(new Request(tampered))
    expect(tamperedPage.status).toBe(400)
    expect(await tamperedPage.text()).toMatch(/does not work/)

    const subscriber = await subscriberByEmail('carl@example.com')
    const expired = tokens.signToken({ p: 'confirm', s: String(subscriber.id), n: 'x', e: Date.now() - 1 })
    const expiredPage = await confirmRoute.GET(new Request(`http://localhost:3000/email/confirm?token=${expired}`))
    expect(expiredPage.status).toBe(410)
    expect(await expiredPage.text()).toMatch(/expired/)

    // Signing up again sends a second link; both confirm (see "opt-in that scanners and second signups cannot break").
    await subscribe({ email: 'carl@example.com' })
    const second = linkIn((await waitForMail('carl@example.com', 2)).raw, '/email/confirm')
    expect(second).not.toBe(first)
    expect((await openAndConfirm(confirmRoute, second)).status).toBe(200)
    expect((await subscriberByEmail('carl@example.com')).status).toBe('confirmed')
  })
})

describe('preferences and unsubscribe', () => {
  it('changes name and topics from the signed link', async () => {
    const mail = await waitForMailMatching('Ann.Reader@example.com', /\/email\/preferences\?token=/)
    const url = linkIn(mail.raw, '/email/preferences')
    const page = await preferencesRoute.GET(new Request(url))
    expect(page.status).toBe(200)
    const form = new URLSearchParams([['name', 'Ann R.'], ['topics', 'sciatica']])
    const saved = await preferencesRoute.POST(new Request(url, { method: 'POST', body: form }))
    expect(saved.status).toBe(200)
    const subscriber = await subscriberByEmail('Ann.Reader@example.com')
    expect(subscriber.name).toBe('Ann R.')
    expect((subscriber.topics as any[]).map((topic) => (typeof topic === 'object' ? topic.slug : topic))).toHaveLength(1)
    const bad = await preferencesRoute.POST(new Request(url, { method: 'POST', body: new URLSearchParams([['name', 'x\r\nBcc: evil@example.com']]) }))
    expect(bad.status).toBe(400)
  })

  it('one-click unsubscribe, exactly as a mail provider sends it, idempotent', async () => {
    const mail = await waitForMail('Ann.Reader@example.com')
    const url = /List-Unsubscribe: <([^>]+)>/.exec(decoded(mail.raw))![1]
    const oneClick = () =>
      unsubscribeRoute.POST(
        new Request(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' }),
      )
    const first = await oneClick()
    expect(first.status).toBe(200)
    expect((await subscriberByEmail('Ann.Reader@example.com')).status).toBe('unsubscribed')
    expect((await oneClick()).status).toBe(200)
    const page = await unsubscribeRoute.GET(new Request(url))
    expect(await page.text()).toMatch(/You are unsubscribed/)
    const forged = await unsubscribeRoute.POST(new Request(url.replace(/token=./, 'token=X'), { method: 'POST', body: 'List-Unsubscribe=One-Click' }))
    expect(forged.status).toBe(400)
  })
})

describe('bad input: 4xx, nothing stored, nothing sent', () => {
  const cases: Array<[string, unknown, Record<string, string>?]> = [
    ['invalid email', { email: 'not-an-email' }],
    ['missing email', { name: 'Nobody' }],
    ['unknown topic', { email: 'topic@example.com', topics: ['astrology'] }],
    ['header injection in name', { email: 'inject@example.com', name: 'Eve\r\nBcc: all@example.com' }],
    ['header injection in email', { email: 'inject2@example.com\r\nBcc: all@example.com' }],
    ['Unicode look-alike domain', { email: 'victim@exаmple.com' }],
    ['internationalised domain', { email: 'user@bücher.example' }],
    ['topics not a list', { email: 'list@example.com', topics: 'sciatica' }],
    ['JSON array body', [1, 2, 3]],
  ]
  for (const [name, body] of cases) {
    it(name, async () => {
      const response = await subscribe(body)
      expect(response.status).toBe(400)
      expect(response.json.errors[0].message.length).toBeGreaterThan(10)
      // Anything the request queued is written and mailed (accepted by the sink) once the signup queue settles.
      await service.signupsSettled()
      const address = (body as { email?: string })?.email
      if (address) {
        expect(sink.messages.filter((message) => message.raw.includes(address.split('\r')[0]))).toHaveLength(0)
        expect(await subscriberByEmail(address.split('\r')[0])).toBeUndefined()
      }
    })
  }

  it('1 MB body, non-JSON and the wrong content type', async () => {
    const huge = await subscribe({ email: 'big@example.com', name: 'x'.repeat(1024 * 1024) })
    expect(huge.status).toBe(413)
    const notJson = await http.api('POST', '/subscribe', { body: 'email=a@example.com', headers: { 'Content-Type': 'application/json', ...clientAddressHeaders('10.1.0.1') } })
    expect(notJson.status).toBe(400)
    // HTML forms are accepted (tests/int/subscriber-forms.int.spec.ts); other types are not.
    const text = await http.api('POST', '/subscribe', { body: 'email=a@example.com', headers: { 'Content-Type': 'text/plain', ...clientAddressHeaders('10.1.0.2') } })
    expect(text.status).toBe(400)
    expect(text.json.errors[0].message).toMatch(/HTML form/)
    expect(await subscriberByEmail('big@example.com')).toBeUndefined()
  })

  it('a filled honeypot is accepted and ignored', async () => {
    const response = await subscribe({ email: 'bot@example.com', website: 'http://spam.example' })
    expect(response.status).toBe(202)
    expect(await subscriberByEmail('bot@example.com')).toBeUndefined()
  })

  it('rate limits per IP and per address with Retry-After', async () => {
    const ip = clientAddressHeaders('10.9.9.9')
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await subscribe({ email: `flood${i}@example.com` }, ip)).status)
    expect(statuses.slice(0, 10).every((status) => status === 202)).toBe(true)
    const limited = await subscribe({ email: 'flood-last@example.com' }, ip)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)

    const perAddress: number[] = []
    for (let i = 0; i < 4; i++) perAddress.push((await subscribe({ email: 'same@example.com' })).status)
    expect(perAddress).toEqual([202, 202, 202, 429])
  })
})

describe('privacy', () => {
  it('the public cannot list or read subscribers through REST or GraphQL', async () => {
    expect((await http.api('GET', '/subscribers')).status).toBe(403)
    const gql = await http.gql('{ Subscribers { docs { email } } }')
    expect(JSON.stringify(gql.json)).not.toMatch(/example\.com/)
    const article = await ctx.payload.create({ collection: 'articles', data: { _status: 'published', title: 'Public', slug: 'public', content: richText('x') } })
    const read = await http.api('GET', `/articles/${article.id}?depth=3`)
    expect(read.text).not.toMatch(/example\.com/)
  })
})

describe('bounces recorded by the sending worker', () => {
  it('two bounces of one address recorded at once count two; a hard one stops a confirmed subscriber', async () => {
    const { recordBounce } = await import('../../jobs/newsletters/store/subscribers')
    const subscriber = await ctx.payload.create({ collection: 'subscribers', data: { email: 'bounces-twice@example.test', status: 'confirmed' } })
    const address = 'bounces-twice@example.test'
    await Promise.all([recordBounce(ctx.payload, subscriber.id, false, address), recordBounce(ctx.payload, subscriber.id, false, address)])
    expect((await ctx.payload.findByID({ collection: 'subscribers', id: subscriber.id })).bounceCount).toBe(2)
    await recordBounce(ctx.payload, subscriber.id, true, address, '550 5.1.1 No such user')
    expect(await ctx.payload.findByID({ collection: 'subscribers', id: subscriber.id })).toMatchObject({ bounceCount: 3, status: 'bounced' })
    // The suppression list says who, why and from where.
    const { docs } = await ctx.payload.find({ collection: 'suppressions', where: { subscriber: { equals: subscriber.id } } })
    expect(docs).toMatchObject([{ email: address, kind: 'hard_bounce', source: 'smtp', reason: '550 5.1.1 No such user', state: 'active' }])
  })
})
