import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../helpers/fixtures'
import { addSubscribers, setUpClinic } from '../helpers/newsletters'
import { startTestPayload, type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'

/**
 * The owner's dashboard (src/dashboard/loadOwnerDashboard.ts) from real rows: every number
 * is compared with rows this file wrote, and every "needs attention" item with the fact that
 * should raise it.
 */

let ctx: TestPayload
let dashboard: typeof import('../../src/dashboard/loadOwnerDashboard')
let heartbeat: typeof import('../../jobs/heartbeat/store')

const CHICAGO = 'America/Chicago'
const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString()
const load = () => dashboard.loadOwnerDashboard(ctx.payload)

beforeAll(async () => {
  ctx = await startTestPayload('dashboard')
  dashboard = await import('../../src/dashboard/loadOwnerDashboard')
  heartbeat = await import('../../jobs/heartbeat/store')
  await setUpClinic(ctx.payload)
})

afterAll(() => stopTestPayloadIfStarted(ctx))

describe('the owner’s dashboard', () => {
  it('on an empty site: no worker is the one thing needing attention, everything else is zero', async () => {
    const data = await load()
    expect(data.timeZone).toBe(CHICAGO)
    expect(data.workers).toEqual({ alive: 0, lastSeenAt: null })
    expect(data.attention.map((item) => item.kind)).toEqual(['worker-missing'])
    expect(data.newsletters).toEqual({ last: null, next: null })
    expect(data.subscribers).toMatchObject({ confirmed: 0, pending: 0, newThisWeek: 0 })
    expect(data.drafts).toEqual({ total: 0, recent: [] })
    expect(data.schedule.changes).toEqual([])
  })

  it('counts subscribers by status and the ones new since Monday on the clinic’s clock', async () => {
    await addSubscribers(ctx.payload, 3, { prefix: 'confirmed' })
    await addSubscribers(ctx.payload, 2, { prefix: 'pending', status: 'pending' })
    // Signed up long ago: not new this week.
    await ctx.payload.db.create({
      collection: 'subscribers',
      data: { email: 'old@example.com', emailKey: 'old@example.com', status: 'confirmed', bounceCount: 0, createdAt: '2020-01-01T12:00:00.000Z', manageSecret: 'x'.repeat(43) },
    })
    const data = await load()
    expect(data.subscribers).toMatchObject({ confirmed: 4, pending: 2, newThisWeek: 5 })
    const weekStart = new Date(data.subscribers.weekStart)
    expect(new Intl.DateTimeFormat('en-US', { timeZone: CHICAGO, weekday: 'long', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).format(weekStart)).toBe('Monday 00:00')
    expect(Date.now() - weekStart.getTime()).toBeLessThan(7 * 24 * 3_600_000)
  })

  it('week starts are Mondays at clinic midnight, across a daylight-saving change', () => {
    // Sunday 8 March 2026, 12:00 in Chicago (daylight time began at 02:00 that day).
    expect(dashboard.startOfClinicWeek(new Date('2026-03-08T17:00:00Z'), CHICAGO).toISOString()).toBe('2026-03-02T06:00:00.000Z')
    // Monday 9 March, 00:30 CDT: the week has just begun.
    expect(dashboard.startOfClinicWeek(new Date('2026-03-09T05:30:00Z'), CHICAGO).toISOString()).toBe('2026-03-09T05:00:00.000Z')
  })

  it('lists drafts in progress, newest first, telling a never-published draft from unpublished changes', async () => {
    const draft = await ctx.payload.create({ collection: 'articles', draft: true, data: { _status: 'draft', title: 'Frozen shoulder: the thawing stage', slug: 'frozen-shoulder-thawing' } as never })
    const live = await ctx.payload.create({
      collection: 'articles',
      data: { _status: 'published', title: 'Carpal tunnel at the keyboard', slug: 'carpal-tunnel-keyboard', content: richText('Wrist care.') } as never,
    })
    await ctx.payload.update({ collection: 'articles', id: live.id, draft: true, data: { title: 'Carpal tunnel at the keyboard (revised)' } })
    await ctx.payload.create({ collection: 'faqs', data: { _status: 'published', question: 'Do you bill insurance?', answer: richText('Often, yes.') } as never })

    const { drafts } = await load()
    expect(drafts.total).toBe(2)
    expect(drafts.recent.map(({ title, live: isLive, collection }) => ({ title, live: isLive, collection }))).toEqual([
      { title: 'Carpal tunnel at the keyboard (revised)', live: true, collection: 'articles' },
      { title: 'Frozen shoulder: the thawing stage', live: false, collection: 'articles' },
    ])
    expect(drafts.recent[1].href).toBe(`/admin/collections/articles/${draft.id}`)
  })

  it('shows the last newsletter’s results, with unsubscribes since it went out, and the next one scheduled', async () => {
    const startedAt = new Date(Date.now() - 3 * 3_600_000).toISOString()
    await ctx.payload.db.create({
      collection: 'newsletters',
      data: { subject: 'November: desk posture', status: 'sent', startedAt: '2026-11-01T15:00:00.000Z', finishedAt: '2026-11-01T15:05:00.000Z', counts: { recipients: 9, sent: 9, failed: 0, bounced: 0, unknown: 0, skipped: 0 } },
    })
    const last = await ctx.payload.db.create({
      collection: 'newsletters',
      data: { subject: 'December: winter neck care', status: 'sent', startedAt, finishedAt: startedAt, counts: { recipients: 6, sent: 5, failed: 1, bounced: 2, unknown: 0, skipped: 0 } },
    })
    await ctx.payload.db.create({ collection: 'newsletters', data: { subject: 'January: new year, new posture', status: 'scheduled', sendAt: hoursFromNow(72) } })
    await ctx.payload.db.create({ collection: 'newsletters', data: { subject: 'February', status: 'scheduled', sendAt: hoursFromNow(24 * 40) } })
    // One left before it went out, two after.
    await addSubscribers(ctx.payload, 3, { prefix: 'left', status: 'unsubscribed' })
    const { docs: leavers } = await ctx.payload.db.find({ collection: 'subscribers', where: { email: { like: 'left-' } }, sort: 'email', pagination: false })
    const times = [new Date(Date.parse(startedAt) - 60_000), new Date(Date.parse(startedAt) + 60_000), new Date()]
    for (const [index, leaver] of leavers.entries()) {
      await ctx.payload.db.updateOne({ collection: 'subscribers', id: leaver.id, data: { unsubscribedAt: times[index].toISOString() } })
    }

    const { newsletters } = await load()
    expect(newsletters.last).toMatchObject({ id: last.id, subject: 'December: winter neck care', status: 'sent', counts: { recipients: 6, sent: 5, failed: 1, bounced: 2 }, unsubscribedSince: 2 })
    expect(newsletters.next).toMatchObject({ subject: 'January: new year, new posture', status: 'scheduled' })
  })

  it('needs attention: failed schedules, paused and failed newsletters, failing webhooks; not the worker once one beats', async () => {
    const article = await ctx.payload.create({ collection: 'articles', draft: true, data: { _status: 'draft', title: 'Sciatica and long drives', slug: 'sciatica-drives' } as never })
    await ctx.payload.db.create({
      collection: 'payload-jobs',
      data: {
        taskSlug: 'schedulePublish',
        input: { type: 'publish', doc: { relationTo: 'articles', value: String(article.id) } },
        scheduledFor: hoursFromNow(-2),
        waitUntil: hoursFromNow(-2),
        state: 'failed',
        hasError: true,
        totalTried: 3,
        lastError: 'Content is required to publish.\nstack…',
      },
    })
    await ctx.payload.db.create({ collection: 'newsletters', data: { subject: 'Paused one', status: 'paused', note: 'Paused by the SMTP server: 421 too many connections', counts: { recipients: 10, sent: 4 } } })
    await ctx.payload.db.create({ collection: 'newsletters', data: { subject: 'Failed one', status: 'failed', counts: { recipients: 3, sent: 0, failed: 3 } } })
    await ctx.payload.db.create({
      collection: 'alerts',
      data: { key: 'webhook-failing:1', kind: 'webhook-failing', subject: '1', title: 'Webhook “Website rebuild” has failed for over an hour', detail: 'Last answer: 502', state: 'open', openedAt: new Date().toISOString() },
    })
    await heartbeat.beat(ctx.payload, { workerId: 'dashboard-test', host: 'test', pid: process.pid, version: 'test', pipelines: ['scheduling'], startedAt: new Date().toISOString() })

    const data = await load()
    expect(data.workers.alive).toBe(1)
    const ofKind = (kind: string) => {
      const items = data.attention.filter((item) => item.kind === kind)
      return items.length ? items : undefined
    }
    expect(ofKind('worker-missing')).toBeUndefined()
    expect(ofKind('schedule-failed')).toEqual([
      expect.objectContaining({ title: 'Scheduled publish of “Sciatica and long drives” failed', detail: 'Content is required to publish.' }),
    ])
    expect(ofKind('newsletter-paused')).toEqual([expect.objectContaining({ title: 'Newsletter “Paused one” is paused', detail: 'Paused by the SMTP server: 421 too many connections' })])
    expect(ofKind('newsletter-failed')).toEqual([expect.objectContaining({ title: 'Newsletter “Failed one” failed' })])
    expect(ofKind('webhook-failing')).toEqual([expect.objectContaining({ title: 'Webhook “Website rebuild” has failed for over an hour', detail: 'Last answer: 502' })])
    // The failed change is also in the scheduled-changes table, titled.
    expect(data.schedule.changes.map((change) => change.state)).toContain('failed')
    expect(Object.values(data.schedule.titles)).toContain('Sciatica and long drives')
  })

  it('a queued change overdue while a worker is alive reads as a stuck pipeline', async () => {
    const article = await ctx.payload.create({ collection: 'articles', draft: true, data: { _status: 'draft', title: 'Overdue', slug: 'overdue' } as never })
    await ctx.payload.db.create({
      collection: 'payload-jobs',
      data: { taskSlug: 'schedulePublish', input: { type: 'publish', doc: { relationTo: 'articles', value: String(article.id) } }, scheduledFor: hoursFromNow(-1), waitUntil: hoursFromNow(-1), state: 'queued' },
    })
    const data = await load()
    expect(data.attention.filter((item) => item.kind === 'pipeline-overdue').map((item) => item.title)).toEqual(['Scheduled changes are overdue'])
  })
})
