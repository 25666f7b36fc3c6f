import fs from 'node:fs'
import path from 'node:path'

import type { Browser, BrowserContext, Page, Response } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { closeBrowserTest, launchBrowser } from '../helpers/browser'
import { httpApi, ROOT, seedServerDatabase, startProductionServer, type RunningServer } from '../helpers/server'

/**
 * The owner's admin, as a non-technical owner meets it, in headless Chromium against the
 * production build: the first-user form, labels, the audience numbers, the timezone list,
 * times on the clinic's clock, and no request to anything but this server (no CDN).
 * The browser runs in Berlin on purpose: the clinic is in Chicago, and the admin must say
 * Chicago times whatever the reader's laptop says.
 */

let server: RunningServer
// One browser context for the whole journey: the session cookie carries from test to test.
let browser: Browser, context: BrowserContext, page: Page
let token: string

const EMAIL = 'owner@stevenson-clinic.test'
const PASSWORD = 'a-long-and-memorable-passphrase'
const SCREENSHOTS = path.join(ROOT, 'test-results')

/** Every request any page of the session made, and every error the browser console showed. */
const requests: string[] = []
const consoleErrors: string[] = []
const failedLoads: string[] = []

const api = (method: string, route: string, body?: unknown) => httpApi(server.url, method, route, { body, token })

const waitForSettledPage = async () => {
  await page.waitForLoadState('networkidle')
}

/** The text of the read-only JSON-LD box on an edit page. */
const jsonLdBox = () => page.locator('.local-code-field', { hasText: 'Structured data (JSON-LD)' }).locator('pre')

beforeAll(async () => {
  server = await startProductionServer('admin-labels')
  browser = await launchBrowser()
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, timezoneId: 'Europe/Berlin' })
  context.on('request', (request) => requests.push(request.url()))
  context.on('requestfailed', (request) => {
    // Navigating away cancels the previous page's prefetches: that is not a failed load.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') failedLoads.push(`${request.url()} ${request.failure()?.errorText}`)
  })
  context.on('console', (message) => {
    if (message.type() !== 'error') return
    // Chromium asks for /favicon.ico on its own before the admin's icon links arrive.
    if (message.location().url.endsWith('/favicon.ico')) return
    consoleErrors.push(`${message.text()} (${message.location().url})`)
  })
  page = await context.newPage()
  page.setDefaultTimeout(45_000)
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
})

afterAll(() => closeBrowserTest('admin-labels', { page, browser, fullPage: true }, server))

describe('first run', () => {
  it('the first-user form asks for email, password and name only, and makes an admin', async () => {
    await page.goto(`${server.url}/admin`)
    await page.waitForURL(/\/admin\/create-first-user/)
    await page.locator('input[name="email"]').waitFor()
    await waitForSettledPage()
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-labels-first-user.png'), fullPage: true })

    const form = page.locator('form')
    const inputs = await form.locator('input:visible, textarea:visible, select:visible').evaluateAll((elements) =>
      elements.map((element) => `${(element as HTMLInputElement).type}:${(element as HTMLInputElement).name}`),
    )
    expect(inputs).toEqual(['email:email', 'password:password', 'password:confirm-password', 'text:name'])
    expect(await form.locator('.field-type.select, [id="field-roles"], .rs__control').count()).toBe(0)
    expect(await form.locator('input[type="checkbox"], [id="apiKey"], #generate-api-key').count()).toBe(0)
    expect(await form.textContent()).not.toMatch(/role|api key/i)

    await page.fill('input[name="email"]', EMAIL)
    await page.fill('input[name="password"]', PASSWORD)
    await page.fill('input[name="confirm-password"]', PASSWORD)
    await page.click('button[type="submit"]')
    await page.waitForURL((url) => url.pathname === '/admin' || url.pathname === '/admin/')

    const me = await page.evaluate(async () => (await fetch('/api/users/me', { credentials: 'include' })).json())
    expect(me.user).toMatchObject({ email: EMAIL, roles: ['admin'] })
    const login = await httpApi(server.url, 'POST', '/users/login', { body: { email: EMAIL, password: PASSWORD } })
    token = login.json.token
    expect(token).toBeTruthy()
  })

  it('an admin adding an account chooses its role, Editor by default; the API key says what it is for', async () => {
    await page.goto(`${server.url}/admin/collections/users/create`)
    const roles = page.locator('.field-type.select', { hasText: 'Roles' })
    await roles.getByText('Editor', { exact: true }).waitFor()
    expect(await roles.getByText('Admin', { exact: true }).count()).toBe(0)

    const me = await page.evaluate(async () => (await fetch('/api/users/me', { credentials: 'include' })).json())
    await page.goto(`${server.url}/admin/collections/users/${me.user.id}`)
    await page.getByText('API key for a preview website (developers only)').waitFor()
    await page.getByText(/only for a developer connecting a preview website/).waitFor()
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-labels-own-account.png'), fullPage: true })
  })
})

describe('editing content, offline-safe', () => {
  const jsonLd = async () => JSON.parse((await jsonLdBox().textContent()) ?? '{}')

  /** Opens the edit page, changes one field and publishes; returns the JSON-LD shown before. */
  const editAndSave = async (collection: string, id: number | string, field: string, value: string) => {
    await page.goto(`${server.url}/admin/collections/${collection}/${id}`)
    const input = page.locator(`input[name="${field}"]`)
    await input.waitFor()
    await expect(jsonLdBox().textContent()).resolves.toContain('"@type"')
    const before = await jsonLd()
    const isSave = (autosave: boolean) => (response: Response) =>
      response.request().method() === 'PATCH' &&
      new URL(response.url()).pathname === `/api/${collection}/${id}` &&
      new URL(response.url()).searchParams.has('autosave') === autosave
    // Typing autosaves a draft first; publishing while that is in flight would race it.
    const autosaved = page.waitForResponse(isSave(true))
    await input.fill(value)
    const draft = await autosaved
    expect(draft.status(), await draft.text()).toBe(200)
    const published = page.waitForResponse(isSave(false))
    await page.getByRole('button', { name: 'Publish changes' }).click()
    const response = await published
    expect(response.status(), await response.text()).toBe(200)
    await page.getByText(/published successfully|Updated successfully/i).first().waitFor()
    await waitForSettledPage()
    return before
  }

  it('the JSON-LD box shows the structured data as text, and a session of edits loads nothing from outside', async () => {
    await seedServerDatabase(server)
    // A webhook, so that publishing records a delivery to look at later (nothing listens: no worker runs here).
    expect((await api('POST', '/webhooks', { name: 'Front end', url: 'http://127.0.0.1:9/hook' })).status).toBe(201)
    const first = async (collection: string) => (await api('GET', `/${collection}?limit=1&depth=0&sort=createdAt`)).json.docs[0]
    const article = await first('articles')
    const condition = await first('conditions')
    const service = await first('services')

    const before = await editAndSave('articles', article.id, 'title', `${article.title} (updated)`)
    expect(before).toMatchObject({ '@type': 'BlogPosting', '@context': 'https://schema.org' })
    // The box is the document as the API gives it: saved, it shows the new modification time.
    await expect.poll(async () => (await jsonLd()).dateModified).not.toBe(before.dateModified)
    const box = await jsonLdBox().boundingBox()
    expect(box?.height).toBeGreaterThan(100)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-labels-article.png'), fullPage: true })

    const conditionName = `${condition.name} (updated)`
    expect(await editAndSave('conditions', condition.id, 'name', conditionName)).toMatchObject({ '@type': 'MedicalWebPage' })
    await expect.poll(async () => (await jsonLd()).mainEntity?.name).toBe(conditionName)
    await editAndSave('services', service.id, 'name', `${service.name} (updated)`)
    await expect(jsonLdBox().textContent()).resolves.toContain('"@type"')

    // A scheduled change: its page is a summary in words (no job data, no editor at all).
    const scheduled = await api('POST', `/articles/${article.id}/schedule`, { action: 'unpublish', at: new Date(Date.now() + 86_400_000).toISOString() })
    expect(scheduled.status).toBe(201)
    const job = (await api('GET', '/payload-jobs?limit=1&depth=0&sort=-createdAt')).json.docs[0]
    await page.goto(`${server.url}/admin/collections/payload-jobs/${job.id}`)
    const summary = page.locator('[data-scheduled-change-summary]')
    await summary.waitFor()
    await expect(summary.textContent()).resolves.toContain('Unpublish')
    expect(await page.locator('.monaco-editor').count()).toBe(0)
    await waitForSettledPage()

    // Publishing recorded webhook deliveries; their list and page have dates and JSON-free bodies.
    await page.goto(`${server.url}/admin/collections/webhook-deliveries`)
    await page.locator('table tbody tr').first().waitFor()
    await waitForSettledPage()
  })
})

describe('audience statistics', () => {
  it('shows the subscribers counted by status and new this month, matching the database', async () => {
    const lastMonth = new Date(Date.now() - 40 * 86_400_000).toISOString()
    const people: Array<[string, Record<string, unknown>]> = [
      ['confirmed', {}],
      ['confirmed', {}],
      ['confirmed', { createdAt: lastMonth }],
      ['confirmed', {}],
      ['pending', {}],
      ['pending', { createdAt: lastMonth }],
      ['unsubscribed', {}],
      ['bounced', {}],
      ['complained', {}],
    ]
    const ids: Array<number | string> = []
    for (const [index, [status, extra]] of people.entries()) {
      const created = await api('POST', '/subscribers', { email: `reader${index}@example.test`, status, ...extra })
      expect(created.status, created.text).toBe(201)
      ids.push(created.json.doc.id)
    }
    // Erasing a confirmed subscriber: they leave the counts, the erasure counter remembers them.
    expect((await api('DELETE', `/subscribers/${ids[3]}`)).status).toBe(200)

    await page.goto(`${server.url}/admin/globals/audience-stats`)
    const numbers = page.locator('section[aria-labelledby="audience-numbers-heading"]')
    await numbers.waitFor()
    const shown = Object.fromEntries(
      await numbers.locator('tr[data-audience]').evaluateAll((rows) =>
        rows.map((row) => [row.getAttribute('data-audience'), Number(row.querySelector('td')?.textContent)]),
      ),
    )
    expect(shown).toEqual({ confirmed: 3, pending: 2, unsubscribed: 1, bounced: 1, complained: 1, total: 8, 'new-this-month': 6 })
    // The same numbers the API counts.
    for (const status of ['confirmed', 'pending', 'unsubscribed', 'bounced', 'complained']) {
      const { json } = await api('GET', `/subscribers?limit=1&depth=0&where[status][equals]=${status}`)
      expect(shown[status], status).toBe(json.totalDocs)
    }
    await expect(page.locator('input[name="erasedSubscribers"]').inputValue()).resolves.toBe('1')
    await expect(page.locator('input[name="erasedWhileConfirmed"]').inputValue()).resolves.toBe('1')
    await expect(numbers.textContent()).resolves.not.toContain('@example.test')
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-labels-audience.png'), fullPage: true })
  })
})

describe("the clinic's clock", () => {
  const CONFIRMED_AT = '2026-03-10T15:00:00.000Z'

  it('shows a subscriber confirmed at 15:00 UTC as 10:00 AM CDT in the list and on the page, not Berlin time', async () => {
    const created = await api('POST', '/subscribers', { email: 'dated@example.test', status: 'confirmed', confirmedAt: CONFIRMED_AT })
    expect(created.status, created.text).toBe(201)
    await page.goto(`${server.url}/admin/collections/subscribers`)
    const row = page.locator('table tbody tr', { hasText: 'dated@example.test' })
    await row.waitFor()
    await expect(row.textContent()).resolves.toContain('Mar 10, 2026, 10:00 AM CDT')
    // Created now: shown with the clinic's zone name (CST or CDT), whatever the season.
    await page.goto(`${server.url}/admin/collections/webhook-deliveries`)
    await expect(page.locator('table tbody tr').first().textContent()).resolves.toMatch(/\d{1,2}:\d\d [AP]M C[SD]T/)

    await page.goto(`${server.url}/admin/collections/subscribers/${created.json.doc.id}`)
    const confirmedAt = page.locator('[data-clinic-time="confirmedAt"]')
    await confirmedAt.waitFor()
    await expect(confirmedAt.textContent()).resolves.toContain('Mar 10, 2026, 10:00 AM CDT')
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-labels-subscriber.png'), fullPage: true })
  })

  it('the clinic timezone is a list of IANA names with the current one first, and choosing another changes the admin times', async () => {
    await page.goto(`${server.url}/admin/globals/clinic`)
    const timezone = page.locator('.field-type.select', { hasText: 'Timezone' })
    await timezone.waitFor()
    await expect(timezone.locator('.rs__single-value').textContent()).resolves.toBe('America/Chicago (current)')
    await timezone.locator('.rs__control').click()
    const options = await page.locator('.rs__option').allTextContents()
    expect(options[0]).toBe('America/Chicago (current)')
    expect(options).toEqual(expect.arrayContaining(['Europe/London', 'Asia/Tokyo', 'UTC']))
    expect(options.length).toBeGreaterThan(300)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-labels-timezone.png') })

    await page.keyboard.type('Europe/London')
    await page.locator('.rs__option', { hasText: /^Europe\/London$/ }).click()
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByText(/updated successfully/i).first().waitFor()
    expect((await api('GET', '/globals/clinic?depth=0')).json.timezone).toBe('Europe/London')

    await page.goto(`${server.url}/admin/globals/clinic`)
    await expect(page.locator('.field-type.select', { hasText: 'Timezone' }).locator('.rs__single-value').textContent()).resolves.toBe(
      'Europe/London (current)',
    )
    await page.goto(`${server.url}/admin/collections/subscribers`)
    await expect(page.locator('table tbody tr', { hasText: 'dated@example.test' }).textContent()).resolves.toContain('Mar 10, 2026, 3:00 PM GMT')
  })
})

describe('the whole session', () => {
  it('made no request to anything but this server, and the console showed no failed load', () => {
    const origin = new URL(server.url).origin
    const outside = requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'))
    expect(outside).toEqual([])
    // Enough requests that the session really ran: pages, RSC payloads, API calls, images.
    expect(requests.length).toBeGreaterThan(50)
    expect(failedLoads).toEqual([])
    expect(consoleErrors).toEqual([])
  })
})
