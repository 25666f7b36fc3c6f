import fs from 'node:fs'
import path from 'node:path'

import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { launchBrowser } from '../helpers/browser'
import { httpApi, ROOT, startProductionServer, type RunningServer } from '../helpers/server'
import { startSmtpSink } from '../helpers/smtpSink'
import { expectSiteLinks, linkIn, startClinicWebsite, waitForMailMatching } from '../helpers/subscriberPages'

/**
 * The clinic's website signs people up with a plain HTML form (no JavaScript) posting across
 * origins to `npm start`'s /api/subscribe, configured the way a clinic would: SITE_URL is the
 * website and SUBSCRIBE_THANK_YOU_URL its own thank-you page. Headless Chromium with
 * JavaScript off, a real SMTP sink. (The built-in "Check your inbox" page, without the
 * redirect: subscribers.e2e.spec.ts, "Subscribe again".)
 */
let server: RunningServer
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let website: Awaited<ReturnType<typeof startClinicWebsite>>
let browser: Browser
let page: Page
let token = ''
const SCREENSHOTS = path.join(ROOT, 'test-results')
const ADMIN = { email: 'owner@stevenson-clinic.test', password: 'tulip-ledger-harbour-91' }
const VISITOR = `website.visitor.${Date.now()}@example.com`
let sciaticaId: number

beforeAll(async () => {
  sink = await startSmtpSink()
  website = await startClinicWebsite(() => `${server.url}/api/subscribe`)
  process.env.SMTP_URL = sink.url
  process.env.EMAIL_FROM = 'Stevenson Clinic <news@stevenson-clinic.test>'
  server = await startProductionServer('subscriber-website-form', { SITE_URL: website.url, SUBSCRIBE_THANK_YOU_URL: `${website.url}/thank-you?from=newsletter` })
  const registered = await httpApi(server.url, 'POST', '/users/first-register', { body: { ...ADMIN, 'confirm-password': ADMIN.password } })
  expect(registered.status, registered.text).toBe(200)
  token = registered.json.token
  const sciatica = await httpApi(server.url, 'POST', '/conditions', { token, body: { _status: 'published', name: 'Sciatica', slug: 'sciatica', summary: 'Sciatica.' } })
  expect(sciatica.status, sciatica.text).toBe(201)
  sciaticaId = sciatica.json.doc.id
  browser = await launchBrowser()
  page = await (await browser.newContext({ javaScriptEnabled: false })).newPage()
  page.setDefaultTimeout(30_000)
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await sink?.close()
  await website?.close()
})

const submitSignup = async (fill: () => Promise<void>) => {
  await page.goto(`${website.url}/newsletter`)
  await fill()
  const [answer] = await Promise.all([
    page.waitForResponse((response) => new URL(response.url()).pathname === '/api/subscribe'),
    page.getByRole('button', { name: 'Sign me up' }).click(),
  ])
  return answer
}

describe("a website's plain signup form", () => {
  it('posts across origins without JavaScript, and 303 leads to the website\'s thank-you page', async () => {
    const answer = await submitSignup(async () => {
      await page.getByLabel('Email').fill(VISITOR)
      await page.getByLabel('Name').fill('Web Visitor')
      await page.getByRole('checkbox', { name: 'Sciatica' }).check()
    })
    // Cross-origin, as from the real website: CORS does not apply to a form navigation.
    expect(answer.request().headers().origin).toBe(website.url)
    expect(answer.status()).toBe(303)
    expect(answer.headers().location).toBe(`${website.url}/thank-you?from=newsletter`)
    await page.getByRole('heading', { level: 1, name: 'Thanks for signing up' }).waitFor()
    expect(page.url()).toBe(`${website.url}/thank-you?from=newsletter`)

    const mail = await waitForMailMatching(sink.messages, VISITOR, /\/email\/confirm\?token=/, () => server.output())
    const { json } = await httpApi(server.url, 'GET', `/subscribers?depth=0&where[email][equals]=${encodeURIComponent(VISITOR)}`, { token })
    expect(json.docs).toHaveLength(1)
    expect(json.docs[0]).toMatchObject({ status: 'pending', name: 'Web Visitor', topics: [sciaticaId] })
    expect(json.docs[0].consent.source).toBe('website-form')
    await page.goto(linkIn(mail.raw, '/email/confirm'))
    await page.getByRole('heading', { level: 1, name: 'Confirm your subscription' }).waitFor()
    await expectSiteLinks(page, website.url)
    await page.getByRole('button', { name: 'Confirm my subscription' }).click()
    await page.getByRole('heading', { level: 1, name: 'You are subscribed' }).waitFor()
    await expectSiteLinks(page, website.url)
  })

  it('a mistake is not redirected: a 400 page with the message, whose "Visit our website" leads home', async () => {
    // One the browser cannot catch itself (the website's name field has no maxlength).
    const answer = await submitSignup(async () => {
      await page.getByLabel('Email').fill(`second.${VISITOR}`)
      await page.getByLabel('Name').fill('N'.repeat(150))
    })
    expect(answer.status()).toBe(400)
    expect(answer.headers()['content-type']).toMatch(/^text\/html/)
    await page.getByRole('heading', { level: 1, name: 'Please check the form' }).waitFor()
    expect(await page.getByRole('alert').textContent()).toContain('"name": A name must be one line of at most 100 characters')
    expect(await page.locator('script').count()).toBe(0)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'subscriber-website-form-error.png'), fullPage: true })
    await expectSiteLinks(page, website.url)
    await page.getByRole('link', { name: /Visit our website/ }).click()
    await page.getByRole('heading', { level: 1, name: 'Stevenson Clinic website' }).waitFor()
  })

  it('/favicon.ico answers 200 with an icon through npm start, and the pages point at it', async () => {
    const response = await fetch(`${server.url}/favicon.ico`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/)
    const bytes = Buffer.from(await response.arrayBuffer())
    // ICO header: reserved 0, type 1 (icon), at least one image.
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0])
    expect(bytes.readUInt16LE(4)).toBeGreaterThan(0)
    await page.goto(`${server.url}/email/confirm?token=nonsense`)
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe('/favicon.ico')
  })
})
