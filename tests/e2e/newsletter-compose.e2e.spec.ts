import path from 'node:path'

import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../helpers/fixtures'
import { subscribeByRest, SCREENSHOTS, startNewsletterAdmin, type NewsletterAdmin } from '../helpers/newsletterAdmin'
import type { RunningServer } from '../helpers/server'
import { waitFor } from '../helpers/waitFor'

/**
 * What the clinic's owner sees while writing, in headless Chromium against `next start` with
 * its browser on UTC (the clinic is on Chicago time), a real SMTP sink and a real worker:
 * "Create New" on articles leaves no untitled draft behind; the newsletter's Featured
 * Articles picker offers published articles only; the compose form has no status, send time
 * or sending results to fiddle with; "Send now" and "Schedule send" ask first, with the
 * number of people it goes to, and that number is who gets it.
 */

let admin: NewsletterAdmin
let server: RunningServer
let sink: NewsletterAdmin['sink']
let page: Page

const RUN = Date.now()
const PUBLISHED_TITLE = `Loosening a stiff neck ${RUN}`
const DRAFT_TITLE = `Unfinished neck notes ${RUN}`
const SUBJECT = `Compose check ${RUN}`
const CONFIRMED = Array.from({ length: 3 }, (_, index) => `reader${index + 1}.${RUN}@example.com`)

const api = (method: string, route: string, body?: unknown) => admin.api(method, route, body)
const subjectOf = (raw: string) => /^Subject: (.*)$/m.exec(raw.replace(/\r?\n[ \t]+/g, ' '))?.[1]?.trim() ?? ''

const serverAndWorkerLogs = () => admin.logs()

const articleCount = async () => (await api('GET', '/articles/count')).json.totalDocs as number

beforeAll(async () => {
  // The owner's laptop says UTC; the clinic keeps Chicago time.
  admin = await startNewsletterAdmin({ name: 'newsletter-compose', timezoneId: 'UTC', lastScreenshot: 'newsletter-compose-last.png' })
  ;({ server, sink, page } = admin)
  // A published and a draft article, confirmed subscribers and one not confirmed, through REST.
  const published = await api('POST', '/articles', { _status: 'published', title: PUBLISHED_TITLE, content: richText('Roll the shoulders back.') })
  expect(published.status, published.text).toBe(201)
  const draft = await api('POST', '/articles?draft=true', { _status: 'draft', title: DRAFT_TITLE })
  expect(draft.status, draft.text).toBe(201)
  await subscribeByRest(admin, CONFIRMED)
  // Not confirmed: not counted, not sent to.
  await subscribeByRest(admin, [`pending.${RUN}@example.com`], 'pending')
})

afterAll(async () => {
  await admin?.stop()
})

describe('the owner composes (headless Chromium, browser on UTC)', () => {
  it('"Create New" on Articles, then leaving without typing, leaves no untitled draft; a new article that gets a title is kept (autosave)', async () => {
    // One test: the second part adds an article, which the first part's count must not see.
    const before = await articleCount()
    expect(before).toBe(2)
    await page.goto(`${server.url}/admin/collections/articles`)
    await page.getByRole('link', { name: /Create New/i }).first().click()
    // Payload makes the document up front (autosave needs one), and shows it at its own URL.
    await page.waitForURL(/\/admin\/collections\/articles\/\d+$/)
    await page.locator('input[name="title"]').waitFor()
    expect(await articleCount()).toBe(before + 1)

    // Leaves through the admin's own navigation.
    await page.locator('.step-nav a[href="/admin/collections/articles"]').click()
    await page.waitForURL(/\/admin\/collections\/articles(\?.*)?$/)
    await waitFor('the empty draft to be discarded', async () => (await articleCount()) === before, { explain: serverAndWorkerLogs })
    await page.reload()
    await page.locator('.table').getByText(PUBLISHED_TITLE).waitFor()
    await expect(page.locator('.table tbody tr').count()).resolves.toBe(before)
    await expect(page.locator('.table').getByText(/Untitled/).count()).resolves.toBe(0)

    // Leaves the page altogether (a typed address, a closed tab): the same.
    await page.getByRole('link', { name: /Create New/i }).first().click()
    await page.waitForURL(/\/admin\/collections\/articles\/\d+$/)
    await page.locator('input[name="title"]').waitFor()
    expect(await articleCount()).toBe(before + 1)
    await page.goto(`${server.url}/admin`)
    await waitFor('the second empty draft to be discarded', async () => (await articleCount()) === before, { explain: serverAndWorkerLogs })

    // -- a new article that gets a title is kept (autosave), whatever happens after
    await page.goto(`${server.url}/admin/collections/articles/create`)
    await page.waitForURL(/\/admin\/collections\/articles\/\d+$/)
    const id = page.url().split('/').pop()!
    const title = `Kept because it has a title ${RUN}`
    await page.fill('input[name="title"]', title)
    await waitFor('the autosave', async () => (await api('GET', `/articles/${id}?draft=true&depth=0`)).json?.title === title, { explain: serverAndWorkerLogs })
    await page.locator('.step-nav a[href="/admin/collections/articles"]').click()
    await page.locator('.table').getByText(title).waitFor()
    expect((await api('GET', `/articles/${id}?draft=true&depth=0`)).status).toBe(200)
  })

  it('composes (published articles only, nothing of the pipeline to edit), asks before scheduling and before sending with the count and the clinic’s time, sends to exactly the confirmed, and reports', async () => {
    // One newsletter through its life: each step works on the one the step before saved.
    // -- the compose form: only published articles to feature, with the note; no status, send time or results to edit
    await page.goto(`${server.url}/admin/collections/newsletters/create`)
    await page.fill('input[name="subject"]', SUBJECT)
    await page.locator('[contenteditable="true"]').first().click()
    await page.keyboard.type('Two small habits for a looser neck.')

    const picker = page.locator('#field-featuredArticles')
    await picker.getByText('Only published articles can be featured').waitFor()
    await picker.locator('.rs__control').click()
    // Both titles contain the run number: the search would find both if drafts were offered.
    await page.keyboard.type(String(RUN))
    await page.locator('.rs__option', { hasText: PUBLISHED_TITLE }).waitFor()
    await expect(page.locator('.rs__option', { hasText: DRAFT_TITLE }).count()).resolves.toBe(0)
    await expect(page.locator('.rs__option', { hasText: /Untitled/ }).count()).resolves.toBe(0)
    await expect(page.locator('.rs__option').count()).resolves.toBe(1)
    await page.locator('.rs__option', { hasText: PUBLISHED_TITLE }).click()

    // Status changes only through the send panel; results are in the report, after sending.
    for (const field of ['status', 'sendAt', 'counts', 'startedAt', 'finishedAt', 'note']) {
      await expect(page.locator(`#field-${field}`).count(), field).resolves.toBe(0)
    }
    const sidebar = page.locator('.document-fields__sidebar')
    for (const label of ['Status', 'Send At', 'Started At', 'Finished At']) {
      await expect(sidebar.getByText(label, { exact: true }).count(), label).resolves.toBe(0)
    }
    for (const label of ['Counts', 'Recipients', 'Note']) {
      await expect(page.getByText(label, { exact: true }).count(), label).resolves.toBe(0)
    }
    await expect(page.locator('select[name="status"], [id^="field-status"]').count()).resolves.toBe(0)

    await page.getByRole('button', { name: 'Save' }).first().click()
    await page.waitForURL((url) => /\/admin\/collections\/newsletters\/\d+$/.test(url.pathname))
    await page.getByTestId('newsletter-status').getByText('draft', { exact: true }).waitFor()
    await expect(page.locator('section[aria-labelledby="newsletter-report-heading"]').count()).resolves.toBe(0)
    await page.getByRole('button', { name: 'Send test to me' }).waitFor()
    await page.screenshot({ path: path.join(SCREENSHOTS, 'newsletter-form-after.png'), fullPage: true })

    // -- "Schedule send" asks first with the count and the time on the clinic’s clock; "Not yet" changes nothing
    const id = page.url().split('/').pop()!
    await page.getByLabel('Send at (clinic time, America/Chicago)').waitFor()
    await page.getByRole('button', { name: 'Next Thursday 08:00' }).click()
    await page.getByRole('button', { name: 'Schedule send' }).click()
    const dialog = page.getByRole('dialog')
    // 08:00 Chicago, not 14:00 (the browser's UTC).
    await dialog.getByText(/^Send to 3 confirmed subscribers on Thu.*08:00.*C[SD]T\?$/).waitFor()
    await dialog.getByRole('button', { name: 'Not yet' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect((await api('GET', `/newsletters/${id}?depth=0`)).json.status).toBe('draft')

    await page.getByRole('button', { name: 'Schedule send' }).click()
    await dialog.getByRole('button', { name: 'Schedule send' }).click()
    const when = page.getByTestId('newsletter-scheduled-for')
    await when.getByText(/Thu/).waitFor()
    await expect(when.textContent()).resolves.toMatch(/08:00.*C[SD]T/)
    expect((await api('GET', `/newsletters/${id}?depth=0`)).json.status).toBe('scheduled')
    await page.getByRole('button', { name: 'Back to draft' }).click()
    await page.getByRole('button', { name: 'Schedule send' }).waitFor()
    expect((await api('GET', `/newsletters/${id}?depth=0`)).json.status).toBe('draft')

    // -- "Send now" asks first with the number of confirmed subscribers; cancelling sends nothing, confirming sends to exactly them
    expect(page.url().split('/').pop()).toBe(id)
    await page.getByRole('button', { name: 'Send now' }).click()
    await dialog.getByText('Send to 3 confirmed subscribers now?').waitFor()
    await page.screenshot({ path: path.join(SCREENSHOTS, 'newsletter-confirm-send.png') })
    await dialog.getByRole('button', { name: 'Not yet' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByTestId('newsletter-status').getByText('draft', { exact: true }).waitFor()
    // Nothing was scheduled, so the running worker has nothing to send.
    expect((await api('GET', `/newsletters/${id}?depth=0`)).json.status).toBe('draft')
    expect(sink.messages.filter((message) => subjectOf(message.raw) === SUBJECT)).toHaveLength(0)

    await page.getByRole('button', { name: 'Send now' }).click()
    await dialog.getByText('Send to 3 confirmed subscribers now?').waitFor()
    await dialog.getByRole('button', { name: 'Send now' }).click()
    await page.getByTestId('newsletter-status').getByText('sent', { exact: true }).waitFor({ timeout: 120_000 })
    const received = await waitFor('the three copies', () => {
      const copies = sink.messages.filter((message) => subjectOf(message.raw) === SUBJECT)
      return copies.length >= 3 && copies
    }, { explain: serverAndWorkerLogs })
    expect(received.flatMap((message) => message.to).sort()).toEqual([...CONFIRMED].sort())

    // -- after sending, the report shows the counts and times on the clinic’s clock, and the panel offers only what the endpoints allow
    const report = page.locator('section[aria-labelledby="newsletter-report-heading"]')
    const summary = report.getByTestId('newsletter-send-summary')
    await summary.locator('[data-summary="sent"]').getByText('3', { exact: true }).waitFor()
    await expect(summary.locator('[data-summary="recipients"]').textContent()).resolves.toBe('3')
    await expect(summary.getByText(/^Started .*C[SD]T, finished .*C[SD]T\.$/).count()).resolves.toBe(1)
    await report.getByTestId('no-failed-deliveries').waitFor()
    // A sent newsletter with no failures: nothing to pause, resume, cancel or retry.
    for (const action of ['Pause', 'Resume', 'Cancel sending', 'Retry failed recipients only', 'Send now', 'Schedule send']) {
      await expect(page.getByRole('button', { name: action, exact: true }).count(), action).resolves.toBe(0)
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'newsletter-report-after.png'), fullPage: true })
  }, 360_000)
})
