import path from 'node:path'

import { TZDate } from '@date-fns/tz'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../helpers/fixtures'
import { subscribeByRest, OWNER_EMAIL, SCREENSHOTS, startNewsletterAdmin, type NewsletterAdmin } from '../helpers/newsletterAdmin'
import type { RunningServer } from '../helpers/server'
import { waitFor } from '../helpers/waitFor'

/**
 * The owner's newsletter journey in headless Chromium against `next start`, with a real
 * SMTP sink and a real worker process on the same database: compose, watch the live
 * preview, send a test to herself, schedule, and watch the send reach 100%.
 */

let admin: NewsletterAdmin
let server: RunningServer
let sink: NewsletterAdmin['sink']
let page: Page
let articleId: number | string
let newsletterId = ''

const CLINIC_TIME_ZONE = 'America/Chicago'
const EMAIL = OWNER_EMAIL
const RUN = Date.now()
const SUBJECT = `Thursday notes ${RUN}`
const ARTICLE_TITLE = `Easing desk-worker neck pain ${RUN}`
const INTRO = 'Three small habits that keep a neck loose between appointments.'
const SUBSCRIBERS = Array.from({ length: 5 }, (_, index) => `reader${index + 1}.${RUN}@example.com`)
/** A confirmed subscriber whose mailbox no longer exists: the sink answers 550 5.1.1. */
const GONE = `gone.${RUN}@example.com`
const GONE_REPLY = '5.1.1 Recipient address rejected: User unknown in virtual mailbox table'

const api = (method: string, route: string, body?: unknown) => admin.api(method, route, body)

/** Headers unfolded and quoted-printable undone, so subjects and headers read as written. */
const decoded = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=').replace(/\r?\n[ \t]+/g, ' ')
const subjectOf = (raw: string) => /^Subject: (.*)$/m.exec(decoded(raw))?.[1]?.trim() ?? ''

const serverAndWorkerLogs = () => admin.logs()

beforeAll(async () => {
  admin = await startNewsletterAdmin({
    name: 'newsletters',
    sink: { rejectRecipient: (address) => (address === GONE ? { code: 550, message: GONE_REPLY } : undefined) },
    // Paced, so the larger send below lasts long enough to be paused by hand.
    workerEnv: { SMTP_RATE_PER_SECOND: '4' },
    lastScreenshot: 'newsletter-last.png',
  })
  ;({ server, sink, page } = admin)
  // A published article and confirmed subscribers, through REST.
  const article = await api('POST', '/articles', { _status: 'published', title: ARTICLE_TITLE, content: richText('Roll the shoulders back, twice an hour.') })
  expect(article.status, article.text).toBe(201)
  articleId = article.json.doc.id
  await subscribeByRest(admin, [...SUBSCRIBERS, GONE])
})

afterAll(async () => {
  await admin?.stop()
})

describe('the owner sends a newsletter from the admin (headless Chromium)', () => {
  it('composes with a live preview, sends a test, schedules and takes it back, schedules for a minute from now, and the send reaches 100% with the bounce shown', async () => {
    // One journey of one newsletter: each step works on what the step before it made.
    // -- composes a newsletter and the live preview follows the typing
    await page.goto(`${server.url}/admin/collections/newsletters/create`)
    const frame = page.frameLocator('iframe[title^="Email preview"]')
    // Nothing to render yet: the preview says what it needs rather than showing an error.
    await frame.getByText('The preview appears once the newsletter has an intro or a featured article.').waitFor()
    await page.fill('input[name="subject"]', SUBJECT)
    const editor = page.locator('[contenteditable="true"]').first()
    await editor.click()
    await page.keyboard.type(INTRO)

    // The featured articles picker: type to search, pick the article.
    const picker = page.locator('#field-featuredArticles')
    await picker.locator('.rs__control').click()
    await page.keyboard.type(ARTICLE_TITLE.slice(0, 20))
    await page.locator('.rs__option', { hasText: ARTICLE_TITLE }).first().click()
    await picker.locator('.relationship--multi-value-label__text', { hasText: ARTICLE_TITLE }).waitFor()

    // The preview is rendered from the unsaved form: intro and article show before saving.
    await frame.getByText(INTRO).waitFor()
    await frame.getByText(ARTICLE_TITLE).first().waitFor()
    await page.getByTestId('preview-subject').getByText(SUBJECT).waitFor()
    await expect(page.locator('iframe[title^="Email preview"]').evaluate((el) => (el as HTMLIFrameElement).sandbox.contains('allow-scripts'))).resolves.toBe(false)

    // Desktop and phone widths.
    expect((await page.locator('iframe[title^="Email preview"]').boundingBox())!.width).toBeGreaterThanOrEqual(600)
    await page.getByRole('button', { name: /Mobile \(375 px\)/ }).click()
    await page.locator('iframe[title="Email preview, mobile width"]').waitFor()
    expect(Math.round((await page.locator('iframe[title^="Email preview"]').boundingBox())!.width)).toBe(375)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'newsletter-preview-mobile.png'), fullPage: true })
    await page.getByRole('button', { name: /Desktop/ }).click()

    await page.getByRole('button', { name: 'Save' }).first().click()
    await page.waitForURL(/\/admin\/collections\/newsletters\/[^/]+$/, { waitUntil: 'commit' })
    await page.waitForURL((url) => !url.pathname.endsWith('/create'))
    newsletterId = page.url().split('/').pop()!.split('?')[0]!
    expect(newsletterId).toMatch(/^[\w-]+$/)
    const saved = await api('GET', `/newsletters/${newsletterId}?depth=0`)
    expect(saved.status).toBe(200)
    expect(saved.json.subject).toBe(SUBJECT)
    expect(saved.json.status).toBe('draft')
    expect(saved.json.featuredArticles).toEqual([articleId])
    await page.screenshot({ path: path.join(SCREENSHOTS, 'newsletter-composed.png'), fullPage: true })

    // -- "Send test to me" delivers a [Test] copy to the owner over SMTP
    const button = page.getByRole('button', { name: 'Send test to me' })
    await expect(button.isEnabled()).resolves.toBe(true)
    await button.click()
    await page.getByRole('status').filter({ hasText: `Test sent to ${EMAIL}` }).waitFor()
    const mail = await waitFor('the test email', () => sink.messages.find((message) => message.to.includes(EMAIL)), { explain: serverAndWorkerLogs })
    expect(subjectOf(mail.raw)).toBe(`[Test] ${SUBJECT}`)
    expect(decoded(mail.raw)).toMatch(/^List-Unsubscribe: <[^>]+\/email\/unsubscribe\?preview=1>/m)
    expect(decoded(mail.raw)).toContain(INTRO)
    // Nobody else got anything.
    expect(sink.messages.filter((message) => SUBSCRIBERS.some((address) => message.to.includes(address)))).toHaveLength(0)

    // -- schedules for next Thursday 08:00, then takes it back to draft
    await page.getByRole('button', { name: 'Next Thursday 08:00' }).click()
    await page.getByRole('button', { name: 'Schedule send' }).click()
    // Asked first, with who it goes to (every confirmed subscriber, the bouncing one too).
    await page.getByRole('dialog').getByText(`Send to ${SUBSCRIBERS.length + 1} confirmed subscribers on Thu`, { exact: false }).waitFor()
    await page.getByRole('dialog').getByRole('button', { name: 'Schedule send' }).click()
    await page.getByTestId('newsletter-scheduled-for').getByText(/Thu/).waitFor()
    const scheduled = await api('GET', `/newsletters/${newsletterId}?depth=0`)
    expect(scheduled.json.status).toBe('scheduled')
    // 08:00 on the clinic's clock (America/Chicago), whatever the browser's zone (UTC here).
    const sendAt = new TZDate(Date.parse(scheduled.json.sendAt), CLINIC_TIME_ZONE)
    expect(sendAt.getDay()).toBe(4)
    expect([sendAt.getHours(), sendAt.getMinutes()]).toEqual([8, 0])
    expect(sendAt.getTime()).toBeGreaterThan(Date.now())
    await page.getByTestId('newsletter-scheduled-for').getByText(/08:00|8:00/).waitFor()

    await page.getByRole('button', { name: 'Back to draft' }).click()
    await page.getByRole('button', { name: 'Schedule send' }).waitFor()
    expect((await api('GET', `/newsletters/${newsletterId}?depth=0`)).json.status).toBe('draft')

    // -- schedules the send for a minute from now and shows when it will go
    // The input takes whole minutes: the next minute that leaves at least 30 s to look at the scheduled state.
    const nextMinute = new Date(Math.ceil((Date.now() + 30_000) / 60_000) * 60_000)
    const pad = (n: number) => String(n).padStart(2, '0')
    const wall = new TZDate(nextMinute.getTime(), CLINIC_TIME_ZONE)
    const local = `${wall.getFullYear()}-${pad(wall.getMonth() + 1)}-${pad(wall.getDate())}T${pad(wall.getHours())}:${pad(wall.getMinutes())}`
    await page.getByLabel(`Send at (clinic time, ${CLINIC_TIME_ZONE})`).fill(local)
    await page.getByRole('button', { name: 'Schedule send' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Schedule send' }).click()
    await page.getByTestId('newsletter-scheduled-for').waitFor()
    const scheduledSoon = await api('GET', `/newsletters/${newsletterId}?depth=0`)
    expect(['scheduled', 'sending', 'sent']).toContain(scheduledSoon.json.status)
    expect(Date.parse(scheduledSoon.json.sendAt)).toBe(nextMinute.getTime())
    await page.screenshot({ path: path.join(SCREENSHOTS, 'newsletter-scheduled.png'), fullPage: true })

    // -- the progress bar reaches 100%; the final counts and the bounced address with its SMTP answer are shown
    await page.getByTestId('newsletter-status').getByText('sent', { exact: true }).waitFor({ timeout: 150_000 })
    const bar = page.getByRole('progressbar', { name: 'Sending progress' })
    await expect(bar.getAttribute('aria-valuenow')).resolves.toBe('100')
    const counts = page.getByTestId('newsletter-counts')
    await expect(counts.locator('[data-count="sent"]').textContent()).resolves.toBe(String(SUBSCRIBERS.length))
    await expect(counts.locator('[data-count="bounced"]').textContent()).resolves.toBe('1')
    await expect(counts.locator('[data-count="failed"]').textContent()).resolves.toBe('0')
    await expect(counts.locator('[data-count="remaining"]').textContent()).resolves.toBe('0')
    const failures = page.locator('section[aria-labelledby="newsletter-failures-heading"]')
    const goneRow = failures.getByRole('row').filter({ hasText: GONE })
    await goneRow.waitFor()
    await expect(goneRow.getByRole('cell').nth(1).textContent()).resolves.toBe('bounced')
    await expect(goneRow.textContent()).resolves.toMatch(/5\.1\.1 Recipient address rejected/)
    await expect(failures.getByRole('row').count()).resolves.toBe(2)
    await page.screenshot({ path: path.join(SCREENSHOTS, 'newsletter-sent.png'), fullPage: true })

    // What the sink received agrees: each subscriber once, with the real subject.
    for (const address of SUBSCRIBERS) {
      const received = sink.messages.filter((message) => message.to.includes(address))
      expect(received, address).toHaveLength(1)
      expect(subjectOf(received[0]!.raw)).toBe(SUBJECT)
      expect(decoded(received[0]!.raw)).toMatch(/^List-Unsubscribe: <[^>]+\/email\/unsubscribe\?token=/m)
    }
    const savedAfterSend = await api('GET', `/newsletters/${newsletterId}?depth=0`)
    expect(savedAfterSend.json.status).toBe('sent')
    expect(savedAfterSend.json.counts.sent).toBe(SUBSCRIBERS.length)
    expect(savedAfterSend.json.counts.bounced).toBe(1)
    expect(sink.messages.filter((message) => message.to.includes(GONE))).toHaveLength(0)
    // The hard-bounced address is no longer a confirmed subscriber.
    const goneStatus = async () => (await api('GET', `/subscribers?where[email][equals]=${encodeURIComponent(GONE)}&depth=0`)).json.docs[0]?.status
    await waitFor('the bounced subscriber', async () => (await goneStatus()) === 'bounced', { timeoutMs: 15_000, explain: serverAndWorkerLogs }).catch(() => {})
    expect(await goneStatus()).toBe('bounced')
  }, 420_000)

  it('pauses a send in progress, resumes it, and every subscriber still gets exactly one copy', async () => {
    const more = Array.from({ length: 30 }, (_, index) => `later${index + 1}.${RUN}@example.com`)
    await subscribeByRest(admin, more)
    const subject = `Pause test ${RUN}`
    const created = await api('POST', '/newsletters', { subject, featuredArticles: [articleId] })
    expect(created.status, created.text).toBe(201)
    await page.goto(`${server.url}/admin/collections/newsletters/${created.json.doc.id}`)
    await page.getByRole('button', { name: 'Send now' }).click()
    // One click is not enough: the owner confirms, seeing how many people it goes to: every
    // confirmed subscriber now (read back, so this test does not depend on an earlier send's bounce).
    const confirmed = (await api('GET', '/subscribers?where[status][equals]=confirmed&limit=1&depth=0')).json.totalDocs
    expect(confirmed).toBeGreaterThanOrEqual(SUBSCRIBERS.length + more.length)
    const confirm = page.getByRole('dialog')
    await confirm.getByText(`Send to ${confirmed} confirmed subscribers now?`).waitFor()
    await confirm.getByRole('button', { name: 'Send now' }).click()

    await page.getByTestId('newsletter-status').getByText('sending', { exact: true }).waitFor({ timeout: 60_000 })
    await page.getByRole('button', { name: 'Pause' }).click()
    await page.getByTestId('newsletter-status').getByText('paused', { exact: true }).waitFor()
    await page.getByRole('button', { name: 'Resume' }).waitFor()
    const paused = await api('GET', `/newsletters/${created.json.doc.id}?depth=0`)
    expect(paused.json.status).toBe('paused')
    await page.screenshot({ path: path.join(SCREENSHOTS, 'newsletter-paused.png'), fullPage: true })

    await page.getByRole('button', { name: 'Resume' }).click()
    await page.getByTestId('newsletter-status').getByText('sent', { exact: true }).waitFor({ timeout: 150_000 })
    await expect(page.getByRole('progressbar', { name: 'Sending progress' }).getAttribute('aria-valuenow')).resolves.toBe('100')
    const everyone = [...SUBSCRIBERS, ...more]
    await expect(page.getByTestId('newsletter-counts').locator('[data-count="sent"]').textContent()).resolves.toBe(String(everyone.length))
    for (const address of everyone) {
      const copies = sink.messages.filter((message) => message.to.includes(address) && subjectOf(message.raw) === subject)
      expect(copies, address).toHaveLength(1)
    }
  })

  it('cancels a scheduled newsletter after confirming, and nothing is sent', async () => {
    const subject = `Never sent ${RUN}`
    const created = await api('POST', '/newsletters', { subject, featuredArticles: [articleId] })
    expect(created.status, created.text).toBe(201)
    const id = created.json.doc.id
    const scheduled = await api('PATCH', `/newsletters/${id}`, { status: 'scheduled', sendAt: new Date(Date.now() + 7 * 86_400_000).toISOString() })
    expect(scheduled.status, scheduled.text).toBe(200)
    await page.goto(`${server.url}/admin/collections/newsletters/${id}`)
    await page.getByTestId('newsletter-status').getByText('scheduled', { exact: true }).waitFor()
    await page.getByRole('button', { name: 'Cancel sending' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByText('Cancel this send?').waitFor()
    await dialog.getByRole('button', { name: 'Cancel sending' }).click()
    await page.getByTestId('newsletter-status').getByText('cancelled', { exact: true }).waitFor()
    expect((await api('GET', `/newsletters/${id}?depth=0`)).json.status).toBe('cancelled')
    expect(sink.messages.filter((message) => subjectOf(message.raw) === subject)).toHaveLength(0)
  })
})
