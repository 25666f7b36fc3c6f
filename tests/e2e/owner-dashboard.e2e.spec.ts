import fs from 'node:fs'
import path from 'node:path'

import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createFirstUserInBrowser, openScheduleDrawer as openDrawer } from '../helpers/adminSession'
import { closeBrowserTest, launchBrowser } from '../helpers/browser'
import { PASSWORD, richText } from '../helpers/fixtures'
import { httpApi, ROOT, seedServerDatabase, startProductionServer, type RunningServer } from '../helpers/server'
import { startSmtpSink } from '../helpers/smtpSink'
import { outputsOf, waitFor } from '../helpers/waitFor'
import { startWorker, stopWorkers, type WorkerProcess } from '../helpers/worker'

/**
 * The owner's dashboard and the "no worker" notices as the owner sees them: headless
 * Chromium on the production build with the demo content, first without a worker (banner,
 * "needs attention", the notice inside the Schedule drawer and the newsletter send panel),
 * then with one, after a real newsletter went out through the SMTP sink.
 */

const EMAIL = 'owner@stevenson-clinic.test'
const SCREENSHOTS = path.join(ROOT, 'test-results')
const PAUSED = 'Scheduled publishing and newsletters are paused: no worker has ever been seen.'

let server: RunningServer
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let browser: Browser
let page: Page
let token: string
const workers: WorkerProcess[] = []
const ids: Record<string, number> = {}

const api = (method: string, pathAndQuery: string, body?: unknown) => httpApi(server.url, method, pathAndQuery, { body, token })
const workerLogs = outputsOf(workers)
const card = (id: string) => page.locator(`[data-dashboard-card="dashboard-${id}"]`)
const text = async (locator: ReturnType<Page['locator']>) => (await locator.innerText()).replace(/\s+/g, ' ').trim()
const figure = async (cardId: string, name: string) => Number((await card(cardId).locator(`[data-figure="${name}"] > div`).first().innerText()).replace(/,/g, ''))
const totalOf = async (pathAndQuery: string) => (await api('GET', pathAndQuery)).json.totalDocs as number

const openDashboard = async () => {
  await page.goto(`${server.url}/admin`)
  await page.locator('[data-owner-dashboard]').waitFor()
}

const openScheduleDrawer = (id: number) => openDrawer(page, server.url, id)

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  sink = await startSmtpSink()
  server = await startProductionServer('owner-dashboard', { TZ: 'UTC', SMTP_URL: sink.url })
  await seedServerDatabase(server)
  browser = await launchBrowser()
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, timezoneId: 'Europe/Berlin' })
  page = await context.newPage()
  page.setDefaultTimeout(60_000)

  await createFirstUserInBrowser(page, server.url, EMAIL, PASSWORD)
  token = (await httpApi(server.url, 'POST', '/users/login', { body: { email: EMAIL, password: PASSWORD } })).json.token

  for (const [index, status] of ['confirmed', 'confirmed', 'confirmed', 'pending'].entries()) {
    const created = await api('POST', '/subscribers', { email: `patient${index}@example.com`, status, consent: { at: new Date().toISOString(), source: 'e2e test' } })
    expect(created.status, created.text).toBe(201)
  }
  const draft = await api('POST', '/articles?draft=true', { title: 'Myofascial release after a long shift', slug: 'myofascial-after-shift', _status: 'draft', content: richText('Draft.') })
  expect(draft.status, draft.text).toBe(201)
  ids.draft = draft.json.doc.id
  const newsletter = await api('POST', '/newsletters', { subject: 'December at the clinic', intro: richText('Winter hours and neck care.') })
  expect(newsletter.status, newsletter.text).toBe(201)
  ids.newsletter = newsletter.json.doc.id
}, 300_000)

afterAll(async () => {
  await stopWorkers(workers)
  await closeBrowserTest('owner-dashboard', { page, browser }, server, sink)
})

describe('without a worker', () => {
  it('the dashboard says what needs attention, with the banner above it, and counts what the API counts', async () => {
    await openDashboard()
    expect(await text(page.locator('[data-worker-paused-notice]'))).toContain(PAUSED)
    expect(await text(card('attention'))).toContain('No worker is running')
    expect(await figure('subscribers', 'confirmed')).toBe(await totalOf('/subscribers?where[status][equals]=confirmed&limit=0'))
    expect(await figure('subscribers', 'pending')).toBe(await totalOf('/subscribers?where[status][equals]=pending&limit=0'))
    // Everyone on the list signed up during this test, so this week.
    expect(await figure('subscribers', 'new-this-week')).toBe(await totalOf('/subscribers?limit=0'))
    expect(await figure('subscribers', 'confirmed')).toBeGreaterThanOrEqual(3)
    expect(await text(card('newsletters'))).toContain('No newsletter has gone out yet.')
    const drafts = await text(card('drafts'))
    expect(drafts).toMatch(/^Drafts in progress \(\d+\)/)
    expect(drafts).toContain('Myofascial release after a long shift (Article, edited just now)')
    // The link goes to the draft.
    expect(await card('drafts').locator('a', { hasText: 'Myofascial release after a long shift' }).getAttribute('href')).toBe(`/admin/collections/articles/${ids.draft}`)
    await page.locator('[data-owner-dashboard]').screenshot({ path: path.join(SCREENSHOTS, 'owner-dashboard-no-worker.png') })
  })

  it('the Schedule drawer says scheduling is paused', async () => {
    const drawer = await openScheduleDrawer(ids.draft)
    await drawer.locator('[data-worker-paused-notice]').waitFor()
    expect(await text(drawer.locator('[data-worker-paused-notice]'))).toContain(PAUSED)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'owner-dashboard-drawer-no-worker.png') })
  })

  it('the newsletter send panel says sending is paused', async () => {
    await page.goto(`${server.url}/admin/collections/newsletters/${ids.newsletter}`)
    const notice = page.locator('[data-worker-paused-notice]')
    // The page's banner and the panel's own notice.
    await waitFor('the send panel’s notice', async () => (await notice.count()) >= 2, { timeoutMs: 60_000, explain: workerLogs })
    expect(await text(notice.last())).toContain(PAUSED)
  })
})

describe('with a worker', () => {
  it('after a newsletter went out: no banner, nothing needs attention, the last newsletter’s results', async () => {
    workers.push(
      startWorker({
        DATABASE_URI: server.databaseUri,
        MEDIA_DIR: String(server.env.MEDIA_DIR),
        PAYLOAD_SECRET: String(server.env.PAYLOAD_SECRET),
        SERVER_URL: server.url,
        SMTP_URL: sink.url,
      }),
    )
    await waitFor('a live worker', async () => (await api('GET', '/health/workers')).json.alive === true, { timeoutMs: 60_000, explain: workerLogs })
    const confirmed = await totalOf('/subscribers?where[status][equals]=confirmed&limit=0')
    const scheduled = await api('PATCH', `/newsletters/${ids.newsletter}`, { status: 'scheduled', sendAt: new Date().toISOString() })
    expect(scheduled.status, scheduled.text).toBe(200)
    await waitFor('the newsletter to be sent', async () => (await api('GET', `/newsletters/${ids.newsletter}?depth=0`)).json.status === 'sent', { timeoutMs: 120_000, explain: workerLogs })

    await openDashboard()
    expect(await page.locator('[data-worker-paused-notice]').count()).toBe(0)
    expect(await text(card('attention'))).toContain('Nothing needs attention')
    const newsletters = await text(card('newsletters'))
    expect(newsletters).toContain('Last: December at the clinic · Sent')
    expect(await figure('newsletters', 'sent')).toBe(confirmed)
    expect(await figure('newsletters', 'bounced')).toBe(0)
    expect(newsletters).toContain(`sent of ${confirmed}`)
    await page.locator('[data-owner-dashboard]').screenshot({ path: path.join(SCREENSHOTS, 'owner-dashboard-with-worker.png') })

    const dashboard = await api('GET', '/dashboard')
    expect(dashboard.status).toBe(200)
    expect(dashboard.headers.get('cache-control')).toContain('no-store')
    expect(dashboard.json.newsletters.last).toMatchObject({ subject: 'December at the clinic', counts: { sent: confirmed } })
    expect(JSON.stringify(dashboard.json)).not.toContain('patient0@example.com')
    expect((await httpApi(server.url, 'GET', '/dashboard')).status).toBe(401)
  })

  it('the Schedule drawer has no notice while a worker runs', async () => {
    const drawer = await openScheduleDrawer(ids.draft)
    // The drawer asked who is alive and rendered the answer: no notice.
    await page.locator('[data-worker-notice-slot][data-worker-alive="true"]').waitFor({ state: 'attached' })
    expect(await drawer.locator('[data-worker-paused-notice]').count()).toBe(0)
  })
})
