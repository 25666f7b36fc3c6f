import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import type { Alert } from '../../payload-types'
import { createStaff } from '../helpers/fixtures'
import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'
import { startSmtpSink } from '../helpers/smtpSink'

/**
 * The watchdog's incident state machine on a real database and a real SMTP sink: two
 * watchdogs stand for two app processes on one database (WEB_CONCURRENCY, the spare).
 */
let ctx: TestPayload
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let watchdogs: typeof import('../../src/alerts/watchdog')
let monitoring: typeof import('../../src/monitoring/config')

const iso = (ms: number) => new Date(ms).toISOString()
const mails = async () => Promise.all(sink.messages.map(async (message) => simpleParser(message.raw)))
const subjects = async () => (await mails()).map((mail) => mail.subject ?? '')
const alerts = async () =>
  (await ctx.payload.db.find({ collection: 'alerts', limit: 0, pagination: false, sort: 'openedAt' })).docs as unknown as Alert[]

const makeWatchdogs = (overrides: Partial<import('../../src/monitoring/config').MonitoringConfig> = {}) => {
  const config = { ...monitoring.loadMonitoringConfig(), workerMissingMs: 0, alertEmailGapMs: 0, alertEmails: ['owner@clinic.test'], ...overrides }
  return [new watchdogs.AlertWatchdog(ctx.payload, config), new watchdogs.AlertWatchdog(ctx.payload, config)]
}
const checkAll = async (all: Array<{ check: (now?: number) => Promise<void> }>, now?: number) => {
  await Promise.all(all.map((watchdog) => watchdog.check(now)))
}

const aliveWorker = (id = 'worker-a') =>
  ctx.payload.db.upsert({
    collection: 'worker-heartbeats',
    where: { workerId: { equals: id } },
    data: { workerId: id, status: 'running', startedAt: iso(Date.now()), lastBeatAt: iso(Date.now() + 3_600_000) },
  })

beforeAll(async () => {
  sink = await startSmtpSink()
  process.env.SMTP_URL = sink.url
  ctx = await startTestPayload('alerts')
  await createStaff(ctx.payload)
  watchdogs = await import('../../src/alerts/watchdog')
  monitoring = await import('../../src/monitoring/config')
})

afterAll(async () => {
  if (ctx) await stopTestPayload(ctx)
  await sink?.close()
})

beforeEach(async () => {
  sink.messages.length = 0
})

describe('no worker', () => {
  it('opens one incident and sends exactly one email, whatever the number of app processes and checks', async () => {
    const all = makeWatchdogs()
    await checkAll(all)
    await checkAll(all)
    await checkAll(all)
    const rows = await alerts()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ kind: 'worker-missing', state: 'open', openingEmail: 'sent', recoveryEmail: 'none', key: 'worker-missing:workers' })
    expect(await subjects()).toEqual(['[Clinic CMS] No worker has ever run: scheduled publishing and newsletters are paused'])
    expect(sink.messages[0].to).toEqual(['owner@clinic.test'])
    expect((await mails())[0].text).toMatch(/no worker has ever been seen\.[\s\S]*Start it with `npm run worker` on the server, or check its logs\./)
  })

  it('sends one recovery email when a worker is back, and nothing more after', async () => {
    const all = makeWatchdogs()
    await aliveWorker()
    await checkAll(all)
    await checkAll(all)
    const rows = await alerts()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ state: 'resolved', recoveryEmail: 'sent', openingEmail: 'sent' })
    expect(rows[0].key).toMatch(/^worker-missing:workers@/)
    expect(await subjects()).toEqual([expect.stringMatching(/Resolved: No worker has ever run/)])
  })

  it('waits ALERT_WORKER_MISSING_MS after the last beat, and opens a new incident when the worker goes again', async () => {
    await ctx.payload.db.updateMany({ collection: 'worker-heartbeats', where: {}, data: { status: 'running', lastBeatAt: iso(Date.now() - 10_000) } })
    const patient = makeWatchdogs({ workerMissingMs: 60_000, staleMs: 5_000 })
    await checkAll(patient)
    expect(await alerts()).toHaveLength(1)
    expect(sink.messages).toHaveLength(0)
    const prompt = makeWatchdogs({ workerMissingMs: 5_000, staleMs: 5_000 })
    await checkAll(prompt)
    const rows = await alerts()
    expect(rows).toHaveLength(2)
    expect(rows[1]).toMatchObject({ state: 'open', key: 'worker-missing:workers', openingEmail: 'sent' })
    expect(await subjects()).toEqual([expect.stringMatching(/No worker is running/)])
    await aliveWorker()
    await checkAll(prompt)
    expect((await alerts())[1].state).toBe('resolved')
  })
})

describe('failed schedules, newsletters and webhooks', () => {
  it('gathers the problems found in one check into one email, and each clears on its own', async () => {
    const { payload } = ctx
    await aliveWorker()
    const job = await payload.db.create({
      collection: 'payload-jobs',
      data: { taskSlug: 'schedulePublish', state: 'failed', waitUntil: iso(Date.now() - 60_000), scheduledFor: iso(Date.now() - 120_000), lastError: 'title: required', totalTried: 4, input: { type: 'publish', doc: { relationTo: 'articles', value: 7 } } },
    })
    const paused = await payload.db.create({ collection: 'newsletters', data: { subject: 'Spring news', status: 'paused', note: 'SMTP server unreachable since 09:00 — retrying automatically', leaseOwner: 'smtp-unreachable' } })
    const failed = await payload.db.create({ collection: 'newsletters', data: { subject: 'Bad news', status: 'failed', finishedAt: iso(Date.now()), note: 'Every delivery failed.' } })
    const all = makeWatchdogs()
    await checkAll(all)
    await checkAll(all)
    expect(await subjects()).toEqual([expect.stringMatching(/3 problems need attention/)])
    const body = (await mails())[0].text ?? ''
    expect(body).toMatch(/scheduled publish of articles #7 failed/)
    expect(body).toMatch(/Spring news/)
    expect(body).toMatch(/Bad news/)
    const open = (await alerts()).filter((alert) => alert.state === 'open')
    expect(open.map((alert) => alert.kind).sort()).toEqual(['newsletter-failed', 'newsletter-paused', 'schedule-failed'])

    sink.messages.length = 0
    await payload.db.updateOne({ collection: 'newsletters', id: paused.id, data: { status: 'sending', leaseOwner: null } })
    await checkAll(all)
    await checkAll(all)
    expect(await subjects()).toEqual([expect.stringMatching(/Resolved: Newsletter "Spring news" is paused/)])

    sink.messages.length = 0
    await payload.db.deleteMany({ collection: 'payload-jobs', where: { id: { equals: job.id } } })
    await payload.db.updateOne({ collection: 'newsletters', id: failed.id, data: { status: 'sent' } })
    await checkAll(all)
    expect(await subjects()).toEqual([expect.stringMatching(/Resolved: 2 problems/)])
  })

  it('alerts on a webhook target that accepted nothing for more than an hour, and clears on its next success', async () => {
    const { payload } = ctx
    const webhook = await payload.db.create({ collection: 'webhooks', data: { name: 'Front end', url: 'http://127.0.0.1:9/hook', secret: 'x'.repeat(64), enabled: true, events: ['publish'], collections: ['articles'] } })
    const delivery = (createdAt: number, status: string, extra: Record<string, unknown> = {}) =>
      payload.db.create({
        collection: 'webhook-deliveries',
        data: { webhook: webhook.id, event: 'publish', collectionSlug: 'articles', documentId: '1', body: '{}', status, attempts: 3, lastError: 'connect ECONNREFUSED', nextAttemptAt: iso(Date.now() + 60_000), createdAt: iso(createdAt), ...extra },
      })
    await delivery(Date.now() - 30 * 60_000, 'queued')
    const all = makeWatchdogs()
    await checkAll(all)
    expect(sink.messages).toHaveLength(0)
    await delivery(Date.now() - 2 * 3_600_000, 'failed')
    await checkAll(all)
    await checkAll(all)
    expect(await subjects()).toEqual([expect.stringMatching(/Webhook "Front end" has been failing for more than 60 minutes/)])
    sink.messages.length = 0
    await delivery(Date.now() - 60_000, 'delivered', { attempts: 1, lastError: null, deliveredAt: iso(Date.now()) })
    await checkAll(all)
    expect(await subjects()).toEqual([expect.stringMatching(/Resolved: Webhook "Front end"/)])
  })
})

describe('never a flood', () => {
  it('holds the next email of a kind until ALERT_EMAIL_MIN_GAP_MS has passed, then sends what gathered in one', async () => {
    const { payload } = ctx
    await aliveWorker()
    await payload.kv.delete('alerts:last-email:problem')
    const gapped = makeWatchdogs({ alertEmailGapMs: 10 * 60_000 })
    const first = await payload.db.create({ collection: 'newsletters', data: { subject: 'Gap one', status: 'paused', note: 'Paused by a person.' } })
    await checkAll(gapped)
    expect(await subjects()).toEqual([expect.stringMatching(/Newsletter "Gap one" is paused/)])
    await payload.db.create({ collection: 'newsletters', data: { subject: 'Gap two', status: 'paused', note: 'Paused by a person.' } })
    await payload.db.create({ collection: 'newsletters', data: { subject: 'Gap three', status: 'paused', note: 'Paused by a person.' } })
    await checkAll(gapped)
    await checkAll(gapped)
    expect(sink.messages).toHaveLength(1)
    await checkAll(gapped, Date.now() + 11 * 60_000)
    expect(await subjects()).toEqual([expect.stringMatching(/Gap one/), expect.stringMatching(/2 problems need attention/)])
    await payload.db.updateOne({ collection: 'newsletters', id: first.id, data: { status: 'cancelled' } })
    await checkAll(gapped, Date.now() + 11 * 60_000)
    expect(await subjects()).toHaveLength(3)
  })

  it('an incident that clears before anyone was told sends nothing at all', async () => {
    const { payload } = ctx
    // An email went moments ago (the test above), so the next one waits out the gap.
    const gapped = makeWatchdogs({ alertEmailGapMs: 10 * 60_000 })
    const newsletter = await payload.db.create({ collection: 'newsletters', data: { subject: 'Brief blip', status: 'failed', finishedAt: iso(Date.now()) } })
    await checkAll(gapped)
    const row = (await alerts()).find((alert) => alert.subject === String(newsletter.id))!
    expect(row).toMatchObject({ state: 'open', openingEmail: 'pending' })
    await payload.db.updateOne({ collection: 'newsletters', id: newsletter.id, data: { status: 'sent' } })
    await checkAll(gapped, Date.now() + 11 * 60_000)
    expect((await alerts()).find((alert) => alert.id === row.id)).toMatchObject({ state: 'resolved', openingEmail: 'skipped', recoveryEmail: 'skipped' })
    expect(sink.messages).toHaveLength(0)
  })
})
