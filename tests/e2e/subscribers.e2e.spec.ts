import fs from 'node:fs'
import path from 'node:path'

import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { closeBrowserTest, launchBrowser } from '../helpers/browser'
import { httpApi, ROOT, startProductionServer, type RunningServer } from '../helpers/server'
import { startSmtpSink } from '../helpers/smtpSink'
import { decodedMail as decoded, expectSiteLinks, expectTouchTargets, linkIn, waitForMailMatching as waitForMailAtSink } from '../helpers/subscriberPages'
import { CLINIC_SETTINGS } from '../helpers/adminSession'

/**
 * The subscriber journey over real HTTP against `next start`, with a real SMTP sink and
 * headless Chromium with JavaScript off: the pages must work as plain HTML forms.
 * (A website's own signup form: subscriber-website-form.e2e.spec.ts.)
 */

let server: RunningServer
let sink: Awaited<ReturnType<typeof startSmtpSink>>
// One browser context for the whole journey: the session cookie carries from test to test.
let browser: Browser, context: BrowserContext, page: Page
let token: string
const SITE_URL = 'https://www.stevenson-clinic.test'

const ADMIN_EMAIL = 'owner@stevenson-clinic.test'
const ADMIN_PASSWORD = 'a-long-and-memorable-passphrase'
const SUBSCRIBER = `reader.${Date.now()}@example.com`
const SCREENSHOTS = path.join(ROOT, 'test-results')
const conditions: Record<string, number | string> = {}

const waitForMailMatching = (address: string, pattern: RegExp) => waitForMailAtSink(sink.messages, address, pattern, () => server.output())

const api = (method: string, route: string, body?: unknown, headers: Record<string, string> = {}) =>
  httpApi(server.url, method, route, { body, token, headers })

const subscriberRecord = async () => {
  const { status, json } = await api('GET', `/subscribers?depth=0&where[email][equals]=${encodeURIComponent(SUBSCRIBER)}`)
  expect(status).toBe(200)
  expect(json.docs).toHaveLength(1)
  return json.docs[0]
}

/** Nothing that looks like a stack trace or a server-side error leaks into a page. */
const expectNoStackTrace = (text: string) => {
  expect(text).not.toMatch(/\bat [\w.<>]+ \(|\bat \/|node_modules|\.tsx?:\d+|\.js:\d+:\d+|TypeError|ReferenceError|Internal Server Error/)
}

beforeAll(async () => {
  sink = await startSmtpSink()
  // startProductionServer spreads process.env into the child's environment.
  process.env.SMTP_URL = sink.url
  process.env.EMAIL_FROM = 'Stevenson Clinic <news@stevenson-clinic.test>'
  server = await startProductionServer('subscribers', { SITE_URL })
  browser = await launchBrowser()
  context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } })
  page = await context.newPage()
  page.setDefaultTimeout(30_000)
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
})

afterAll(() => closeBrowserTest('subscriber', { page, browser }, server, sink))

describe('a subscriber in headless Chromium with JavaScript off', () => {
  let mailRaw = ''
  let preferencesUrl = ''

  it('seeds an admin, two published conditions and the clinic settings through REST', async () => {
    const registered = await api('POST', '/users/first-register', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, 'confirm-password': ADMIN_PASSWORD })
    expect(registered.status, registered.text).toBe(200)
    token = registered.json.token ?? (await api('POST', '/users/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).json.token
    expect(token).toBeTruthy()

    for (const [name, slug] of [
      ['Low back pain', 'low-back-pain'],
      ['Sciatica', 'sciatica'],
    ]) {
      const created = await api('POST', '/conditions', { _status: 'published', name, slug, summary: `${name}: how massage can help.` })
      expect(created.status, created.text).toBe(201)
      expect(created.json.doc._status).toBe('published')
      conditions[slug] = created.json.doc.id
    }

    const clinic = await api('POST', '/globals/clinic', CLINIC_SETTINGS)
    expect(clinic.status, clinic.text).toBe(200)
    expect(clinic.json.result?.name ?? clinic.json.name).toBe('Stevenson Clinic')
  })

  it('the browser context really runs no JavaScript', async () => {
    await page.setContent('<p id="probe">off</p><script>document.getElementById("probe").textContent = "on"</script>')
    expect(await page.locator('#probe').textContent()).toBe('off')
  })

  it('POST /api/subscribe answers 202 and the confirmation email arrives over SMTP', async () => {
    const response = await fetch(`${server.url}/api/subscribe`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '203.0.113.7' },
      body: JSON.stringify({ email: SUBSCRIBER, name: 'Reader', topics: ['low-back-pain'] }),
    })
    expect(response.status).toBe(202)
    const mail = await waitForMailMatching(SUBSCRIBER, /\/email\/confirm\?token=/)
    mailRaw = mail.raw
    expect(decoded(mailRaw)).toMatch(/List-Unsubscribe: <https?:\/\/[^>]+\/email\/unsubscribe\?token=[^>]+>(?!,\s*<mailto:)/)
    expect(decoded(mailRaw)).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/)
    expect(linkIn(mailRaw, '/email/confirm').startsWith(`${server.url}/email/confirm?token=`)).toBe(true)
    const stored = await subscriberRecord()
    expect(stored.status).toBe('pending')
    // The socket's address: without TRUST_PROXY a client's X-Forwarded-For is ignored.
    expect(stored.consent?.ip).toBe('127.0.0.1')
  })

  it('the confirm link opens a plain, script-free page whose one button confirms; opening it changes nothing', async () => {
    // Count what reaches the server: opening the link (a browser may send the navigation twice,
    // a Critical-CH restart for one; a mail scanner opens it before the person) must only GET.
    const confirmRequests: string[] = []
    const onRequest = (request: { url: () => string; method: () => string }) => {
      if (new URL(request.url()).pathname === '/email/confirm') confirmRequests.push(request.method())
    }
    page.on('request', onRequest)
    const response = await page.goto(linkIn(mailRaw, '/email/confirm'))
    expect(response?.status()).toBe(200)
    expect(response?.headers()['content-type']).toMatch(/^text\/html/)
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Confirm your subscription')
    expect(await page.locator('script').count()).toBe(0)
    expect(await response!.text()).not.toMatch(/<script/i)
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toMatch(/width=device-width/)
    expect(await page.locator('main').textContent()).toContain(SUBSCRIBER)
    expect(await page.getByRole('button').count()).toBe(1)
    expect(confirmRequests.every((method) => method === 'GET'), confirmRequests.join(', ')).toBe(true)
    expect((await subscriberRecord()).status).toBe('pending')
    await expectSiteLinks(page, SITE_URL)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'subscriber-confirm-button.png'), fullPage: true })
    await page.setViewportSize({ width: 375, height: 800 })
    await expectTouchTargets(page, 'main button')
    await page.setViewportSize({ width: 1280, height: 900 })

    const [confirmed] = await Promise.all([
      page.waitForResponse((answer) => new URL(answer.url()).pathname === '/email/confirm' && answer.request().method() === 'POST'),
      page.getByRole('button', { name: 'Confirm my subscription' }).click(),
    ])
    page.off('request', onRequest)
    expect(confirmed.status()).toBe(200)
    await page.getByRole('heading', { level: 1, name: 'You are subscribed' }).waitFor()
    expect(await page.locator('script').count()).toBe(0)
    expect(await page.locator('main').textContent()).toContain(SUBSCRIBER)
    expect(confirmRequests.filter((method) => method === 'POST')).toHaveLength(1)
    expect((await subscriberRecord()).status).toBe('confirmed')
    await expectSiteLinks(page, SITE_URL)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'subscriber-confirm.png'), fullPage: true })
  })

  it('"Choose the topics" leads to the preferences form, which saves name and topics without JavaScript', async () => {
    await page.getByRole('link', { name: /Choose the topics/ }).click()
    await page.waitForURL(/\/email\/preferences\?token=/)
    preferencesUrl = page.url()
    await page.getByRole('heading', { level: 1, name: 'Your email preferences' }).waitFor()
    expect(await page.locator('script').count()).toBe(0)
    // The topic chosen at signup is ticked; switch to the other one.
    await expect(page.getByRole('checkbox', { name: 'Low back pain' }).isChecked()).resolves.toBe(true)
    await page.getByLabel('Your name (optional)').fill('Rae Reader')
    await page.getByRole('checkbox', { name: 'Low back pain' }).uncheck()
    await page.getByRole('checkbox', { name: 'Sciatica' }).check()
    const [saved] = await Promise.all([
      page.waitForResponse((response) => response.url().includes('/email/preferences') && response.request().method() === 'POST'),
      page.getByRole('button', { name: 'Save my preferences' }).click(),
    ])
    expect(saved.status()).toBe(200)
    await page.getByRole('status').getByText('Saved.').waitFor()
    await expect(page.getByLabel('Your name (optional)').inputValue()).resolves.toBe('Rae Reader')
    await expect(page.getByRole('checkbox', { name: 'Sciatica' }).isChecked()).resolves.toBe(true)
    await expect(page.getByRole('checkbox', { name: 'Low back pain' }).isChecked()).resolves.toBe(false)

    const stored = await subscriberRecord()
    expect(stored.name).toBe('Rae Reader')
    expect((stored.topics as any[]).map((topic) => (typeof topic === 'object' ? topic.id : topic))).toEqual([conditions.sciatica])
    expect(stored.status).toBe('confirmed')
    await page.screenshot({ path: path.join(SCREENSHOTS, 'subscriber-preferences.png'), fullPage: true })
  })

  it('"All topics" is a choice of its own; "only the topics I tick" with none ticked is refused, nothing saved', async () => {
    await page.goto(preferencesUrl)
    await expectSiteLinks(page, SITE_URL)
    await expect(page.getByRole('radio', { name: 'Only the topics I tick:' }).isChecked()).resolves.toBe(true)
    await page.getByRole('checkbox', { name: 'Sciatica' }).uncheck()
    await page.getByRole('button', { name: 'Save my preferences' }).click()
    await page.getByRole('alert').getByText('Nothing was saved. Tick at least one topic, or choose "All topics".').waitFor()
    expect((await subscriberRecord()).topics.map((topic: any) => (typeof topic === 'object' ? topic.id : topic))).toEqual([conditions.sciatica])
    await page.screenshot({ path: path.join(SCREENSHOTS, 'subscriber-preferences-none-ticked.png'), fullPage: true })

    await page.getByRole('radio', { name: 'All topics' }).check()
    await page.getByRole('button', { name: 'Save my preferences' }).click()
    await page.getByRole('status').getByText('Saved. You will hear from us about all topics.').waitFor()
    await expect(page.getByRole('radio', { name: 'All topics' }).isChecked()).resolves.toBe(true)
    expect((await subscriberRecord()).topics).toEqual([])

    // Back to one topic, as the later steps expect.
    await page.getByRole('radio', { name: 'Only the topics I tick:' }).check()
    await page.getByRole('checkbox', { name: 'Sciatica' }).check()
    await page.getByRole('button', { name: 'Save my preferences' }).click()
    await page.getByRole('status').getByText('Saved. You will hear from us about: Sciatica.').waitFor()
    expect((await subscriberRecord()).topics.map((topic: any) => (typeof topic === 'object' ? topic.id : topic))).toEqual([conditions.sciatica])
  })

  it('the preferences page fits a 375 px phone screen, every control at least 44 × 44 px', async () => {
    const mobile = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    })
    try {
      const phone = await mobile.newPage()
      const response = await phone.goto(preferencesUrl)
      expect(response?.status()).toBe(200)
      await phone.getByRole('heading', { level: 1, name: 'Your email preferences' }).waitFor()
      for (const selector of ['main', 'input[type="text"]', 'fieldset', 'button[type="submit"] >> nth=0', 'button.secondary']) {
        const box = await phone.locator(selector).first().boundingBox()
        expect(box, selector).not.toBeNull()
        expect(box!.x, selector).toBeGreaterThanOrEqual(0)
        expect(box!.x + box!.width, selector).toBeLessThanOrEqual(375)
      }
      // Every control a finger uses: each radio's and checkbox's label row, the buttons, the
      // name field, the website links.
      for (const selector of ['fieldset label', 'button', 'input[type="text"]', 'header a', 'footer a']) await expectTouchTargets(phone, selector)
      // A label row is the checkbox's target: a tap at its far end, away from the box, ticks it.
      const row = phone.locator('fieldset label', { hasText: 'Low back pain' })
      const rowBox = (await row.boundingBox())!
      const box = phone.getByRole('checkbox', { name: 'Low back pain' })
      const before = await box.isChecked()
      await row.tap({ position: { x: rowBox.width - 4, y: rowBox.height / 2 } })
      expect(await box.isChecked()).toBe(!before)
      await phone.screenshot({ path: path.join(SCREENSHOTS, 'subscriber-preferences-mobile.png'), fullPage: true })
    } finally {
      await mobile.close()
    }
  })

  it('"Unsubscribe from all emails" unsubscribes at once', async () => {
    await page.goto(preferencesUrl)
    await page.getByRole('button', { name: 'Unsubscribe from all emails' }).click()
    await page.waitForURL(/\/email\/unsubscribe\?token=/)
    await page.getByRole('heading', { level: 1, name: 'You are unsubscribed' }).waitFor()
    expect(await page.locator('script').count()).toBe(0)
    const stored = await subscriberRecord()
    expect(stored.status).toBe('unsubscribed')
    expect(stored.unsubscribedAt).toBeTruthy()
    await page.screenshot({ path: path.join(SCREENSHOTS, 'subscriber-unsubscribed.png'), fullPage: true })
  })

  it('the List-Unsubscribe link still works: page, then RFC 8058 one-click POST (idempotent, no cookies)', async () => {
    const url = /List-Unsubscribe: <([^>]+)>/.exec(decoded(mailRaw))![1]
    expect(url.startsWith(`${server.url}/email/unsubscribe?token=`)).toBe(true)
    const response = await page.goto(url)
    expect(response?.status()).toBe(200)
    await page.getByRole('heading', { level: 1, name: 'You are unsubscribed' }).waitFor()

    for (let attempt = 0; attempt < 2; attempt++) {
      const oneClick = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
        redirect: 'manual',
      })
      expect(oneClick.status).toBe(200)
      expect(await oneClick.text()).toMatch(/You are unsubscribed/)
    }
    expect((await subscriberRecord()).status).toBe('unsubscribed')
  })

  it('a tampered confirm link gets a friendly 400 page without a stack trace', async () => {
    const link = linkIn(mailRaw, '/email/confirm')
    // The last character of a 32-byte base64url signature carries padding bits; change the ones before it.
    const flip = (char: string) => (char === 'Q' ? 'g' : 'Q')
    const tampered = link.slice(0, -4) + [...link.slice(-4, -1)].map(flip).join('') + link.slice(-1)
    expect(tampered).not.toBe(link)
    const response = await page.goto(tampered)
    expect(response?.status()).toBe(400)
    await page.getByRole('heading', { level: 1, name: 'This link does not work' }).waitFor()
    const text = (await page.locator('body').textContent()) ?? ''
    expect(text).toMatch(/sign up again/)
    expectNoStackTrace(text)
    expectNoStackTrace(await response!.text())
    expect(await page.locator('script').count()).toBe(0)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'subscriber-tampered-link.png'), fullPage: true })
  })

  it('"Subscribe again" on the unsubscribe page starts a new double opt-in: pending until the new link is clicked', async () => {
    const url = /List-Unsubscribe: <([^>]+)>/.exec(decoded(mailRaw))![1]
    await page.goto(url)
    await page.getByRole('heading', { level: 1, name: 'You are unsubscribed' }).waitFor()
    await expectSiteLinks(page, SITE_URL)
    const confirmationsBefore = sink.messages.filter((mail) => mail.to.includes(SUBSCRIBER) && /\/email\/confirm\?token=/.test(decoded(mail.raw))).length
    const [answer] = await Promise.all([
      page.waitForResponse((response) => new URL(response.url()).pathname === '/api/subscribe'),
      page.getByRole('button', { name: 'Subscribe again' }).click(),
    ])
    expect(answer.status()).toBe(202)
    await page.getByRole('heading', { level: 1, name: 'Check your inbox' }).waitFor()
    expect(await page.locator('main').textContent()).toContain(SUBSCRIBER)
    await expectSiteLinks(page, SITE_URL)
    expect(await page.locator('script').count()).toBe(0)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'subscriber-subscribe-again.png'), fullPage: true })

    // Not subscribed yet: a new confirmation link is on its way, and only it confirms.
    const deadline = Date.now() + 15_000
    let confirmations: typeof sink.messages = []
    while ((confirmations = sink.messages.filter((mail) => mail.to.includes(SUBSCRIBER) && /\/email\/confirm\?token=/.test(decoded(mail.raw)))).length <= confirmationsBefore) {
      if (Date.now() > deadline) throw new Error(`no new confirmation email; server log:\n${server.output().slice(-3000)}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const stored = await subscriberRecord()
    expect(stored.status).toBe('pending')
    expect(stored.consent.source).toBe('resubscribe')
    const newLink = linkIn(confirmations.at(-1)!.raw, '/email/confirm')
    expect(newLink).not.toBe(linkIn(mailRaw, '/email/confirm'))
    await page.goto(newLink)
    await page.getByRole('heading', { level: 1, name: 'Confirm your subscription' }).waitFor()
    expect((await subscriberRecord()).status).toBe('pending')
    await page.getByRole('button', { name: 'Confirm my subscription' }).click()
    await page.getByRole('heading', { level: 1, name: 'You are subscribed' }).waitFor()
    expect((await subscriberRecord()).status).toBe('confirmed')
  })
})
