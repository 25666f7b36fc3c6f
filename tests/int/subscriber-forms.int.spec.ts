import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { stopTestPayload, type TestPayload } from '../helpers/payload'
import { clientAddressHeaders } from '../../src/security/clientIp'
import { outgoingMailSettled } from '../helpers/outgoingMail'
import { openAndConfirm } from '../helpers/subscriberPages'
import { waitFor } from '../helpers/waitFor'
import { startSubscriberTest, type SubscriberTest } from '../helpers/subscriberTest'

/**
 * Signups from plain HTML forms (a website without JavaScript, the unsubscribe page's
 * "Subscribe again"), and the explicit "all topics" choice, through the real REST route
 * handler, a real SQLite file and a real SMTP sink.
 */
let ctx: TestPayload
let sink: SubscriberTest['sink']
let http: SubscriberTest['http']
let service: SubscriberTest['service']
let links: typeof import('../../src/subscribers/links')
let confirmRoute: SubscriberTest['confirmRoute']
let unsubscribeRoute: SubscriberTest['unsubscribeRoute']
let preferencesRoute: SubscriberTest['preferencesRoute']
const topicIds: Record<string, number> = {}
const SITE_URL = 'https://www.stevenson-clinic.test'
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' }
let ipCounter = 0
const nextIp = () => `10.20.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`

beforeAll(async () => {
  ;({ sink, ctx, http, service, confirmRoute, unsubscribeRoute, preferencesRoute } = await startSubscriberTest('subscriber-forms', {
    SITE_URL,
    SUBSCRIBE_THANK_YOU_URL: undefined,
  }))
  links = await import('../../src/subscribers/links')
  await ctx.payload.updateGlobal({ slug: 'clinic', data: { name: 'Stevenson Clinic', bookingUrl: 'https://example.com/book', timezone: 'America/Chicago', mailingAddress: '123 Example St' } })
  for (const [name, slug] of [['Low back pain', 'low-back-pain'], ['Sciatica', 'sciatica']]) {
    topicIds[slug] = (await ctx.payload.create({ collection: 'conditions', data: { _status: 'published', name, slug, summary: name } })).id
  }
})

afterAll(async () => {
  delete process.env.SUBSCRIBE_THANK_YOU_URL
  // Signup and welcome mail go out after the answers: wait until they have reached the sink.
  await outgoingMailSettled()
  if (ctx) await stopTestPayload(ctx)
  await sink?.close()
})

/** POSTs to /api/subscribe as a browser's form would (or JSON), then waits for the queued signup. */
const post = async (body: string | object, { ip = nextIp(), headers = FORM as Record<string, string> } = {}) => {
  const response = await http.api('POST', '/subscribe', { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { ...headers, ...clientAddressHeaders(ip) } })
  await service.signupsSettled()
  return response
}
const form = (fields: Array<[string, string]>) => new URLSearchParams(fields).toString()
const json = (body: object, ip?: string) => post(body, { ip, headers: { 'Content-Type': 'application/json' } })

const unescapeHtml = (text: string) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
const alertText = (page: string) => unescapeHtml(/<p role="alert"[^>]*><strong>([\s\S]*?)<\/strong>/.exec(page)?.[1] ?? '')

const subscriberByEmail = async (email: string) =>
  (await ctx.payload.find({ collection: 'subscribers', where: { email: { equals: email } }, overrideAccess: true, depth: 0 })).docs[0]
const topicsOf = (subscriber: { topics?: unknown[] | null }) => (subscriber.topics ?? []).map((topic: any) => (typeof topic === 'object' ? topic.id : topic))

const decoded = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=').replace(/\r?\n[ \t]+/g, ' ')
const confirmLinksTo = (address: string) =>
  sink.messages
    .filter((mail) => mail.to.includes(address))
    .map((mail) => /https?:\/\/[^"\s<>]+\/email\/confirm\?token=[A-Za-z0-9_.-]+/.exec(decoded(mail.raw))?.[0])
    .filter((link): link is string => Boolean(link))

describe('POST /api/subscribe from a plain HTML form', () => {
  it('urlencoded: 202 with a "Check your inbox" page in the subscriber pages\' look; the confirmation email goes out', async () => {
    const response = await post(form([['email', 'form.reader@example.com'], ['name', 'Form Reader'], ['topics', 'sciatica'], ['topics', 'low-back-pain']]))
    expect(response.status).toBe(202)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    expect(response.headers.get('cache-control')).toBe('private, no-store')
    expect(response.text).toMatch(/<h1>Check your inbox<\/h1>/)
    expect(response.text).toContain('form.reader@example.com')
    expect(response.text).toContain(`href="${SITE_URL}"`)
    expect(response.text).toContain('<link rel="icon" href="/favicon.ico"')
    expect(response.text).not.toMatch(/<script/i)

    const stored = await subscriberByEmail('form.reader@example.com')
    expect(stored.status).toBe('pending')
    expect(stored.name).toBe('Form Reader')
    expect(topicsOf(stored).sort()).toEqual([topicIds['low-back-pain'], topicIds.sciatica].sort())
    expect(stored.consent?.source).toBe('form')
    await waitFor('the confirmation email', () => confirmLinksTo('form.reader@example.com').length === 1)
  })

  it('multipart/form-data (a form with enctype="multipart/form-data") works the same', async () => {
    const data = new FormData()
    data.append('email', 'multipart@example.com')
    data.append('topics', 'sciatica')
    const encoded = new Request('http://localhost/', { method: 'POST', body: data })
    const response = await post(await encoded.text(), { headers: { 'Content-Type': encoded.headers.get('content-type')! } })
    expect(response.status).toBe(202)
    expect(response.text).toMatch(/Check your inbox/)
    expect(topicsOf(await subscriberByEmail('multipart@example.com'))).toEqual([topicIds.sciatica])
  })

  it('with SUBSCRIBE_THANK_YOU_URL: 303 See Other to exactly that URL, the signup still made', async () => {
    process.env.SUBSCRIBE_THANK_YOU_URL = `${SITE_URL}/thank-you?from=newsletter`
    try {
      const response = await post(form([['email', 'redirected@example.com']]))
      expect(response.status).toBe(303)
      expect(response.headers.get('location')).toBe(`${SITE_URL}/thank-you?from=newsletter`)
      expect(response.text).toBe('')
      expect((await subscriberByEmail('redirected@example.com')).status).toBe('pending')
      await waitFor('the confirmation email', () => confirmLinksTo('redirected@example.com').length === 1)

      // Refusals are never redirected: the person must see what to correct.
      const bad = await post(form([['email', 'not-an-email']]))
      expect(bad.status).toBe(400)
      expect(bad.headers.get('location')).toBeNull()
      // JSON callers are unaffected.
      expect((await json({ email: 'json-while-redirecting@example.com' })).status).toBe(202)
    } finally {
      delete process.env.SUBSCRIBE_THANK_YOU_URL
    }
  })

  it('a SUBSCRIBE_THANK_YOU_URL that is not an absolute http(s) URL is not followed: the built-in page answers', async () => {
    for (const value of ['/thank-you', 'javascript:alert(1)']) {
      process.env.SUBSCRIBE_THANK_YOU_URL = value
      try {
        const response = await post(form([['email', `bad-thank-you-${encodeURIComponent(value).length}@example.com`]]))
        expect(response.status, value).toBe(202)
        expect(response.headers.get('location')).toBeNull()
        expect(response.text).toMatch(/Check your inbox/)
      } finally {
        delete process.env.SUBSCRIBE_THANK_YOU_URL
      }
    }
  })

  it('bad input: the same status and message as JSON, on a page, nothing stored', async () => {
    const cases: Array<[string, Array<[string, string]>, object]> = [
      ['invalid email', [['email', 'not-an-email']], { email: 'not-an-email' }],
      ['missing email', [['name', 'Nobody']], { name: 'Nobody' }],
      ['unknown topic', [['email', 'topic-form@example.com'], ['topics', 'astrology']], { email: 'topic-form@example.com', topics: ['astrology'] }],
      ['line break in name', [['email', 'inject-form@example.com'], ['name', 'Eve\r\nBcc: all@example.com']], { email: 'inject-form@example.com', name: 'Eve\r\nBcc: all@example.com' }],
      ['look-alike domain', [['email', 'victim@exаmple.com']], { email: 'victim@exаmple.com' }],
      ['chosen topics, none ticked', [['email', 'none-ticked@example.com'], ['topicChoice', 'chosen']], { email: 'none-ticked@example.com', topicChoice: 'chosen', topics: [] }],
    ]
    for (const [name, fields, body] of cases) {
      const asJson = await json(body)
      const asForm = await post(form(fields))
      expect(asJson.status, name).toBe(400)
      expect(asForm.status, name).toBe(400)
      expect(asForm.headers.get('content-type'), name).toMatch(/^text\/html/)
      expect(asForm.text, name).toMatch(/<h1>Please check the form<\/h1>/)
      expect(alertText(asForm.text), name).toBe(asJson.json.errors[0].message)
      expect(asForm.text, name).toContain(`href="${SITE_URL}"`)
      const address = (body as { email?: string }).email
      if (address) expect(await subscriberByEmail(address), name).toBeUndefined()
    }
  })

  it('a body over 8 KB: 413 page, nothing stored', async () => {
    const response = await post(form([['email', 'big-form@example.com'], ['name', 'x'.repeat(9000)]]))
    expect(response.status).toBe(413)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    expect(alertText(response.text)).toMatch(/too large \(at most 8192 bytes\)/)
    expect(await subscriberByEmail('big-form@example.com')).toBeUndefined()
  })

  it('the honeypot: 202 page, nothing stored', async () => {
    const response = await post(form([['email', 'bot-form@example.com'], ['website', 'http://spam.example']]))
    expect(response.status).toBe(202)
    expect(response.text).toMatch(/Check your inbox/)
    expect(await subscriberByEmail('bot-form@example.com')).toBeUndefined()
  })

  it('shares the JSON signups\' rate limits: per client address and per mailbox, 429 page with Retry-After', async () => {
    const ip = '10.99.0.1'
    const statuses: number[] = []
    for (let i = 0; i < 10; i++) {
      const email = `mixed${i}@example.com`
      statuses.push((i % 2 ? await json({ email }, ip) : await post(form([['email', email]]), { ip })).status)
    }
    expect(statuses).toEqual(Array(10).fill(202))
    const limitedForm = await post(form([['email', 'mixed-last@example.com']]), { ip })
    expect(limitedForm.status).toBe(429)
    expect(Number(limitedForm.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limitedForm.text).toMatch(/<h1>Too many attempts<\/h1>/)
    expect(alertText(limitedForm.text)).toMatch(/^Too many signup attempts\. Try again in \d+ seconds\.$/)
    expect((await json({ email: 'mixed-last@example.com' }, ip)).status).toBe(429)

    const perMailbox = [
      (await json({ email: 'one.mailbox@example.com' })).status,
      (await post(form([['email', 'One.Mailbox@example.com']]))).status,
      (await json({ email: 'one.mailbox@example.com' })).status,
      (await post(form([['email', 'one.mailbox@example.com']]))).status,
    ]
    expect(perMailbox).toEqual([202, 202, 202, 429])
  })

  it('other content types are still refused with 400', async () => {
    const response = await post('email=a@example.com', { headers: { 'Content-Type': 'text/plain' } })
    expect(response.status).toBe(400)
    expect(response.json.errors[0].message).toMatch(/application\/json.*HTML form/)
  })
})

describe('"All topics" is a choice of its own', () => {
  it('signup: topicChoice "all" stores no topics (all), even over the topics a pending address had; "chosen" needs one', async () => {
    expect((await json({ email: 'choice@example.com', topics: ['sciatica'] })).status).toBe(202)
    expect(topicsOf(await subscriberByEmail('choice@example.com'))).toEqual([topicIds.sciatica])
    // Without a choice, a signup without topics keeps the ones the address had (as before).
    expect((await post(form([['email', 'choice@example.com']]))).status).toBe(202)
    expect(topicsOf(await subscriberByEmail('choice@example.com'))).toEqual([topicIds.sciatica])
    expect((await post(form([['email', 'choice@example.com'], ['topicChoice', 'all'], ['topics', 'low-back-pain']]))).status).toBe(202)
    expect(topicsOf(await subscriberByEmail('choice@example.com'))).toEqual([])

    const refused = await json({ email: 'choice2@example.com', topicChoice: 'chosen' })
    expect(refused.status).toBe(400)
    expect(refused.json.errors[0].message).toBe('Tick at least one topic, or choose "All topics".')
    const unknownChoice = await json({ email: 'choice2@example.com', topicChoice: 'some' })
    expect(unknownChoice.status).toBe(400)
    expect(unknownChoice.json.errors[0].message).toBe('"topicChoice" must be "all" or "chosen".')
    expect(await subscriberByEmail('choice2@example.com')).toBeUndefined()
  })

  it('preferences page: "All topics" radio, chosen topics, and "chosen" with nothing ticked refused (nothing saved)', async () => {
    await json({ email: 'prefs@example.com', topics: ['sciatica'] })
    const subscriber = await subscriberByEmail('prefs@example.com')
    const url = links.preferencesUrl(subscriber)
    const save = (fields: Array<[string, string]>) => preferencesRoute.POST(new Request(url, { method: 'POST', body: new URLSearchParams(fields) }))

    const page = await (await preferencesRoute.GET(new Request(url))).text()
    expect(page).toMatch(/<input type="radio" name="topicChoice" value="all"> All topics/)
    expect(page).toMatch(/<input type="radio" name="topicChoice" value="chosen" checked> Only the topics I tick/)
    expect(page).toMatch(/value="sciatica" checked> Sciatica/)
    expect(page).toContain(`href="${SITE_URL}"`)

    const refused = await save([['name', 'Pat'], ['topicChoice', 'chosen']])
    expect(refused.status).toBe(400)
    const refusedPage = await refused.text()
    expect(alertText(refusedPage)).toBe('Nothing was saved. Tick at least one topic, or choose "All topics".')
    // The form comes back as submitted, to correct it.
    expect(refusedPage).toMatch(/value="chosen" checked>/)
    expect(topicsOf(await subscriberByEmail('prefs@example.com'))).toEqual([topicIds.sciatica])

    const all = await save([['topicChoice', 'all'], ['topics', 'sciatica']])
    expect(all.status).toBe(200)
    expect(await all.text()).toMatch(/Saved\. You will hear from us about all topics\./)
    expect(topicsOf(await subscriberByEmail('prefs@example.com'))).toEqual([])
    expect(await (await preferencesRoute.GET(new Request(url))).text()).toMatch(/value="all" checked> All topics/)

    const chosen = await save([['topicChoice', 'chosen'], ['topics', 'low-back-pain']])
    expect(chosen.status).toBe(200)
    expect(await chosen.text()).toMatch(/Saved\. You will hear from us about: Low back pain\./)
    expect(topicsOf(await subscriberByEmail('prefs@example.com'))).toEqual([topicIds['low-back-pain']])
  })
})

describe('"Subscribe again" from the unsubscribe page', () => {
  /** The page's "Subscribe again" form: its action and fields, as a browser would submit them. */
  const resubscribeFormIn = (page: string) => {
    const match = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g
    for (const [, action, inner] of page.matchAll(match)) {
      if (!/Subscribe again/.test(inner)) continue
      const fields = [...inner.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, name, value]) => [name, unescapeHtml(value)] as [string, string])
      return { action, fields }
    }
    throw new Error(`no "Subscribe again" form in:\n${page}`)
  }

  it('starts a new double opt-in through /api/subscribe: pending until the new link is clicked, same per-mailbox limit', async () => {
    const address = 'changed.mind@example.com'
    expect((await json({ email: address, topics: ['sciatica'] })).status).toBe(202)
    const firstLink = await waitFor('the first confirmation', () => confirmLinksTo(address)[0])
    expect((await openAndConfirm(confirmRoute, firstLink)).status).toBe(200)
    const subscriber = await subscriberByEmail(address)
    expect(subscriber.status).toBe('confirmed')

    const unsubscribeUrl = links.unsubscribeUrl(subscriber)
    const unsubscribed = await unsubscribeRoute.POST(new Request(unsubscribeUrl, { method: 'POST', headers: FORM, body: 'List-Unsubscribe=One-Click' }))
    expect(unsubscribed.status).toBe(200)
    const afterPost = resubscribeFormIn(await unsubscribed.text())
    expect((await subscriberByEmail(address)).status).toBe('unsubscribed')
    // The page behind the link offers the same, later too.
    const page = await (await unsubscribeRoute.GET(new Request(unsubscribeUrl))).text()
    expect(page).toMatch(/<h1>You are unsubscribed<\/h1>/)
    expect(page).toContain(`href="${SITE_URL}"`)
    const { action, fields } = resubscribeFormIn(page)
    expect(afterPost).toEqual({ action, fields })
    expect(action).toBe('/api/subscribe')
    expect(fields).toEqual([['email', address], ['source', 'resubscribe']])

    const again = await post(form(fields))
    expect(again.status).toBe(202)
    expect(again.text).toMatch(/Check your inbox/)
    const pending = await subscriberByEmail(address)
    expect(pending.status).toBe('pending')
    expect(pending.consent?.source).toBe('resubscribe')
    expect(topicsOf(pending)).toEqual([topicIds.sciatica])
    const secondLink = await waitFor('a new confirmation email', () => confirmLinksTo(address)[1])
    expect(secondLink).not.toBe(firstLink)
    // The old link cannot confirm the new signup: only the one just sent can.
    expect((await confirmRoute.GET(new Request(firstLink))).status).toBe(410)
    expect((await confirmRoute.POST(new Request(firstLink, { method: 'POST', headers: FORM, body: '' }))).status).toBe(410)
    expect((await subscriberByEmail(address)).status).toBe('pending')
    expect((await openAndConfirm(confirmRoute, secondLink)).status).toBe(200)
    expect((await subscriberByEmail(address)).status).toBe('confirmed')

    // Signup, resubscribe, one more: the mailbox's third signup this hour; the fourth is refused.
    expect((await post(form(fields))).status).toBe(202)
    const limited = await post(form(fields))
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBeTruthy()
  })
})
