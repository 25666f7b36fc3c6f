import fs from 'node:fs'
import path from 'node:path'

import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../helpers/fixtures'
import { closeBrowserTest, launchBrowser } from '../helpers/browser'
import { httpApi, ROOT, startProductionServer, type RunningServer } from '../helpers/server'
import { startWorker, stopWorkers, type WorkerProcess } from '../helpers/worker'
import { waitFor } from '../helpers/waitFor'
import { createFirstUserInBrowser, openScheduleDrawer as openDrawer } from '../helpers/adminSession'

/**
 * The clinic's owner schedules and reviews publishing in the admin (headless Chromium on the
 * production build). The browser runs in Tokyo and the server in UTC, so every time that
 * reads right in the clinic's zone (America/Chicago, the default) was formatted for the clinic.
 */

let server: RunningServer
let browser: Browser
let context: BrowserContext
let page: Page
let token: string
const workers: WorkerProcess[] = []

const EMAIL = 'owner@stevenson-clinic.test'
const PASSWORD = 'tulip-ledger-harbour-91'
const CLINIC_ZONE = 'America/Chicago'
const BROWSER_ZONE = 'Asia/Tokyo'
const SCREENSHOTS = path.join(ROOT, 'test-results')
const DAY = 86_400_000

const ids: Record<string, number> = {}
const titles = {
  draft: 'Winter neck care',
  live: 'Gentle stretches for frozen shoulder',
  secondLive: 'Headaches and the upper back',
  appliedOnTime: 'Desk posture in five minutes',
  publishedByHand: 'What to expect at your first visit',
}

/** How the clinic's wall clock reads an instant: what the owner must see. */
const clinicTime = (iso: string, timeZone = CLINIC_ZONE) =>
  new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso))

const api = (method: string, pathAndQuery: string, body?: unknown) => httpApi(server.url, method, pathAndQuery, { body, token })

const createArticle = async (title: string, status: 'draft' | 'published') => {
  const response = await api('POST', `/articles${status === 'draft' ? '?draft=true' : ''}`, {
    title,
    slug: title.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    content: richText(`${title}: body.`),
    _status: status,
  })
  expect(response.status, response.text).toBe(201)
  return response.json.doc.id as number
}

const schedule = async (id: number, action: 'publish' | 'unpublish', at: string) => {
  const response = await api('POST', `/articles/${id}/schedule`, { action, at })
  expect(response.status, response.text).toBe(201)
  return response.json.doc as { id: number; at: string }
}

const jobFor = async (id: number) => {
  const response = await api('GET', `/payload-jobs?where[input.doc.value][equals]=${id}&depth=0`)
  return response.json.docs[0]
}

const workerLogs = () => workers.map((w) => w.output()).join('\n').slice(-3000)

const openScheduleDrawer = (id: number) => openDrawer(page, server.url, id)

const selectedType = async (drawer: ReturnType<Page['locator']>) => (await drawer.locator('.radio-input--is-selected .radio-input__label').innerText()).trim()

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  server = await startProductionServer('scheduling-admin', { TZ: 'UTC' })
  browser = await launchBrowser()
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, timezoneId: BROWSER_ZONE })
  page = await context.newPage()
  // Upper bounds, not assertions: a page can take a while to hydrate on a busy machine.
  page.setDefaultTimeout(60_000)

  await createFirstUserInBrowser(page, server.url, EMAIL, PASSWORD)
  token = (await httpApi(server.url, 'POST', '/users/login', { body: { email: EMAIL, password: PASSWORD } })).json.token

  ids.draft = await createArticle(titles.draft, 'draft')
  ids.live = await createArticle(titles.live, 'published')
  ids.secondLive = await createArticle(titles.secondLive, 'published')
  ids.appliedOnTime = await createArticle(titles.appliedOnTime, 'draft')
  ids.publishedByHand = await createArticle(titles.publishedByHand, 'draft')
}, 240_000)

afterAll(async () => {
  await stopWorkers(workers)
  await closeBrowserTest('scheduling-admin', { page, browser }, server)
})

describe('the Schedule drawer', () => {
  it('preselects Publish on a never-published draft', async () => {
    const drawer = await openScheduleDrawer(ids.draft)
    expect(await selectedType(drawer)).toBe('Publish')
    await page.screenshot({ path: path.join(SCREENSHOTS, 'scheduling-drawer-draft.png') })
  })

  it('shows why a change that would do nothing is refused, and saves nothing', async () => {
    const drawer = page.locator('.schedule-publish')
    await drawer.locator('.radio-input', { hasText: 'Unpublish' }).click()
    expect(await selectedType(drawer)).toBe('Unpublish')
    const input = drawer.locator('.react-datepicker__input-container input')
    await input.click()
    await input.fill(clinicTime(new Date(Date.now() + 5 * DAY).toISOString(), CLINIC_ZONE).replace(/^\w+, /, '').replace(/ [A-Z]{3}$/, '').replace(/(\d{4}),/, '$1'))
    await input.press('Enter')
    await page.locator('#scheduled-publish-save').click()
    const toast = page.getByText(`“${titles.draft}” is not published, so unpublishing it on`)
    await toast.waitFor()
    expect(await page.getByText(/scheduled successfully/i).count()).toBe(0)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'scheduling-drawer-refused.png') })
    expect((await api('GET', `/articles/${ids.draft}/schedule`)).json.docs).toHaveLength(0)
  })

  it('the REST endpoint refuses the same change with the same words', async () => {
    const response = await api('POST', `/articles/${ids.draft}/schedule`, { action: 'unpublish', at: new Date(Date.now() + DAY).toISOString() })
    expect(response.status, response.text).toBe(400)
    expect(response.json.errors[0].message).toMatch(new RegExp(`^“${titles.draft}” is not published, so unpublishing it on .+ C[SD]T would do nothing`))
  })

  it('preselects Unpublish on a published document', async () => {
    const drawer = await openScheduleDrawer(ids.live)
    expect(await selectedType(drawer)).toBe('Unpublish')
  })
})

describe('"Scheduled changes" reads like a calendar', () => {
  const at: Record<string, string> = {}

  beforeAll(async () => {
    at.live = (await schedule(ids.live, 'unpublish', new Date(Date.now() + 1 * DAY).toISOString())).at
    at.secondLive = (await schedule(ids.secondLive, 'unpublish', new Date(Date.now() + 2 * DAY).toISOString())).at
    at.draft = (await schedule(ids.draft, 'publish', new Date(Date.now() + 3 * DAY).toISOString())).at
    // Two that come due soon: one the worker applies, one published by hand first. Far enough
    // ahead that scheduling both on a busy machine never meets "in the past".
    const soon = new Date(Date.now() + 10_000).toISOString()
    at.appliedOnTime = (await schedule(ids.appliedOnTime, 'publish', soon)).at
    at.publishedByHand = (await schedule(ids.publishedByHand, 'publish', soon)).at
    expect((await api('PATCH', `/articles/${ids.publishedByHand}`, { _status: 'published' })).status).toBe(200)
    const worker = startWorker({ ...(server.env as Record<string, string>), NODE_ENV: 'production' })
    workers.push(worker)
    await worker.ready
    await waitFor('both due changes', async () => (await jobFor(ids.appliedOnTime))?.state === 'done' && (await jobFor(ids.publishedByHand))?.state === 'done', { timeoutMs: 90_000, explain: workerLogs })
    await stopWorkers(workers)
  }, 180_000)

  it('names each document by its title, linked to its page, with the change, the clinic-zone time and the status in words', async () => {
    await page.goto(`${server.url}/admin/collections/payload-jobs`)
    const table = page.locator('.table table')
    await table.waitFor()
    const headings = (await table.locator('thead th').allInnerTexts()).map((text) => text.trim()).filter(Boolean)
    expect(headings).toEqual(['Document', 'Change', 'When', 'Status'])

    const row = (key: string) => table.locator('tbody tr', { has: page.locator(`a[href="/admin/collections/articles/${ids[key]}"]`) })
    for (const key of Object.keys(titles) as Array<keyof typeof titles>) {
      await expect(row(key).locator(`a[href="/admin/collections/articles/${ids[key]}"]`).innerText()).resolves.toBe(titles[key])
      const when = (await row(key).locator('[data-scheduled-when]').innerText()).trim()
      expect(when).toBe(clinicTime(at[key]))
      expect(when).toMatch(/ C[SD]T$/)
      expect(when).not.toBe(clinicTime(at[key], BROWSER_ZONE))
    }
    await expect(row('live').locator('[data-scheduled-action]').innerText()).resolves.toBe('Unpublish')
    await expect(row('draft').locator('[data-scheduled-action]').innerText()).resolves.toBe('Publish')
    await expect(row('draft').locator('[data-scheduled-status]').innerText()).resolves.toMatch(/^Waiting\s+in 3 days$/)
    await expect(row('appliedOnTime').locator('[data-scheduled-status]').innerText()).resolves.toMatch(/^Done\s+(on time|\d+ s late|\d+ min late)$/)
    await expect(row('publishedByHand').locator('[data-scheduled-status]').innerText()).resolves.toMatch(
      /^Done: nothing to do\s+Already published on .+ C[SD]T, with no newer changes: nothing to do\.$/,
    )

    const text = await page.locator('main, .collection-list').first().innerText()
    expect(text).not.toMatch(/relationTo|"type"|\{"|taskSlug|Task Slug|Lease Owner/)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'scheduling-scheduled-changes.png'), fullPage: true })
  })

  it('fits a 1366 px screen without scrolling sideways', async () => {
    const widths = await page.evaluate(() => {
      const wrapper = document.querySelector('.table') as HTMLElement
      return { scroll: wrapper.scrollWidth, client: wrapper.clientWidth, page: document.documentElement.scrollWidth }
    })
    expect(widths.scroll).toBeLessThanOrEqual(widths.client)
    expect(widths.page).toBeLessThanOrEqual(1366)
  })

  it('is sorted by time: newest first by default, in calendar order under "Coming up"', async () => {
    const times = async () => (await page.locator('[data-scheduled-when]').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-scheduled-when')!))).map(Date.parse)
    const all = await times()
    expect(all).toHaveLength(5)
    expect(all).toEqual([...all].sort((a, b) => b - a))
    await page.getByRole('link', { name: 'Coming up' }).click()
    await page.waitForURL(/sort=scheduledFor/)
    await waitFor('the coming-up view', async () => (await times()).length === 3, { timeoutMs: 15_000, explain: workerLogs })
    const upcoming = await times()
    expect(upcoming).toEqual([...upcoming].sort((a, b) => a - b))
    expect(upcoming).toEqual([at.live, at.secondLive, at.draft].map(Date.parse))
  })

  it('offers no raw job form: no "Create New", and the create page is refused', async () => {
    await page.goto(`${server.url}/admin/collections/payload-jobs`)
    await page.locator('.table table').waitFor()
    expect(await page.getByText('Create New').count()).toBe(0)
    expect(await page.locator('a[href$="/payload-jobs/create"]').count()).toBe(0)
    await page.goto(`${server.url}/admin/collections/payload-jobs/create`)
    await page.getByText(/unauthorized|not allowed/i).first().waitFor()
    expect(await page.locator('input[name="taskSlug"], input[name="queue"], input[name="waitUntil"]').count()).toBe(0)
  })

  it("a change's own page is a summary in words, in the clinic's zone", async () => {
    const job = await jobFor(ids.live)
    await page.goto(`${server.url}/admin/collections/payload-jobs/${job.id}`)
    const summary = page.locator('[data-scheduled-change-summary]')
    await summary.waitFor()
    const text = await summary.innerText()
    expect(text).toContain(`Unpublish “${titles.live}”`)
    expect(text).toContain(`${clinicTime(at.live)} (${CLINIC_ZONE})`)
    expect(await summary.locator(`a[href="/admin/collections/articles/${ids.live}"]`).count()).toBe(1)
    const pageText = await page.locator('body').innerText()
    expect(pageText).not.toMatch(/Task Slug|Lease Owner|Wait Until|Processing|relationTo/)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'scheduling-change-page.png') })
  })

  it('the dashboard names the documents by title, linked, with clinic-zone times', async () => {
    await page.goto(`${server.url}/admin`)
    const panel = page.locator('section[aria-labelledby="upcoming-schedule-heading"]')
    await panel.getByRole('link', { name: titles.draft }).waitFor()
    expect(await panel.getByRole('link', { name: titles.draft }).getAttribute('href')).toBe(`/admin/collections/articles/${ids.draft}`)
    expect(await panel.getByRole('link', { name: titles.live }).getAttribute('href')).toBe(`/admin/collections/articles/${ids.live}`)
    const text = await panel.innerText()
    expect(text).toContain(`When (${CLINIC_ZONE})`)
    expect(text).toContain(clinicTime(at.draft))
    expect(text).not.toContain(`${ids.draft} (articles)`)
    expect(text).toContain('Already published on')
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'scheduling-dashboard.png') })
  })
})
