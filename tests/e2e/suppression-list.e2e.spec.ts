import fs from 'node:fs'
import path from 'node:path'

import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createFirstUserInBrowser } from '../helpers/adminSession'
import { closeBrowserTest, launchBrowser } from '../helpers/browser'
import { PASSWORD } from '../helpers/fixtures'
import { freePort, httpApi, ROOT, startProductionServer, type RunningServer } from '../helpers/server'
import { signatureHeader } from '../../src/webhooks/signature'

/**
 * The suppression list as the owner meets it: a provider reports a hard bounce through the
 * signed generic webhook (production build, real HTTP), the entry shows in the admin with why
 * and where from, and the owner lifts it in headless Chromium by writing a reason. The mail
 * server is down (`SMTP_URL` names a closed port): staff see the confirmation email that could
 * not go out, and why, in the transactional emails list.
 */

const EMAIL = 'owner@stevenson-clinic.test'
const SECRET = 'e2e-email-events-secret-0123456789'
const SCREENSHOTS = path.join(ROOT, 'test-results')

let server: RunningServer
let browser: Browser
let page: Page
let token: string

const api = (method: string, pathAndQuery: string, body?: unknown) => httpApi(server.url, method, pathAndQuery, { body, token })

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  server = await startProductionServer('suppression-list', { EMAIL_EVENTS_SECRET: SECRET, SMTP_URL: `smtp://127.0.0.1:${await freePort()}` })
  browser = await launchBrowser()
  page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage()
  page.setDefaultTimeout(60_000)
  await createFirstUserInBrowser(page, server.url, EMAIL, PASSWORD)
  token = (await httpApi(server.url, 'POST', '/users/login', { body: { email: EMAIL, password: PASSWORD } })).json.token
})

afterAll(() => closeBrowserTest('suppression-list', { page, browser, fullPage: true }, server))

describe('the suppression list in the admin', () => {
  it('shows a provider-reported bounce with its reason and source, and lifts it with a written reason', async () => {
    const created = await api('POST', '/subscribers', { email: 'pat.bounce@example.com', status: 'confirmed', confirmedAt: new Date().toISOString() })
    expect(created.status).toBe(201)
    const subscriberId = created.json.doc.id

    const body = JSON.stringify({ type: 'hard_bounce', email: 'pat.bounce@example.com', reason: '550 5.1.1 mailbox does not exist' })
    const response = await fetch(`${server.url}/api/email-events/generic`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Webhook-Signature': signatureHeader(SECRET, body) },
      body,
    })
    expect(response.status).toBe(200)
    expect((await api('GET', `/subscribers/${subscriberId}`)).json.status).toBe('bounced')

    await page.goto(`${server.url}/admin/collections/suppressions`)
    const row = page.locator('table tbody tr', { hasText: 'pat.bounce@example.com' })
    await row.waitFor()
    expect(await row.innerText()).toMatch(/hard_bounce|Hard bounce/i)
    expect(await row.innerText()).toMatch(/550 5\.1\.1 mailbox does not exist/)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'suppression-list.png'), fullPage: true })

    await row.locator('a').first().click()
    const reason = page.locator('textarea[name="liftReason"], #field-liftReason textarea').first()
    await reason.waitFor()
    await reason.fill('Pat fixed the mailbox and asked by phone to get the newsletter again.')
    await page.click('#action-save')
    await page.getByText(/updated successfully/i).first().waitFor()

    await expect.poll(async () => (await api('GET', `/subscribers/${subscriberId}`)).json.status, { timeout: 15_000 }).toBe('confirmed')
    const entry = (await api('GET', '/suppressions?where[email][equals]=pat.bounce@example.com')).json.docs[0]
    expect(entry).toMatchObject({ state: 'lifted', liftReason: 'Pat fixed the mailbox and asked by phone to get the newsletter again.', liftedAt: expect.any(String) })
    expect(entry.liftedBy?.email ?? entry.liftedBy).toBeTruthy()
  })

  it('shows staff the confirmation email the mail server could not take, and why; never its message', async () => {
    const signup = await httpApi(server.url, 'POST', '/subscribe', { body: { email: 'sam.waiting@example.com' } })
    expect(signup.status).toBe(202)
    await expect
      .poll(async () => (await api('GET', '/transactional-emails?where[to][equals]=sam.waiting@example.com')).json.docs[0]?.status, { timeout: 20_000 })
      .toBe('retrying')

    await page.goto(`${server.url}/admin/collections/transactional-emails`)
    const row = page.locator('table tbody tr', { hasText: 'sam.waiting@example.com' })
    await row.waitFor()
    const text = await row.innerText()
    expect(text).toMatch(/Retrying/)
    expect(text).toMatch(/Confirm subscription/)
    expect(text).toMatch(/ECONNREFUSED|connect/i)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'transactional-emails.png'), fullPage: true })
    await row.locator('a').first().click()
    await page.locator('#field-lastError, [id*="lastError"]').first().waitFor()
    expect(await page.content()).not.toMatch(/email\/confirm\?token=/)
  })
})
