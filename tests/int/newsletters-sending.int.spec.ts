import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import {
  addSubscribers,
  deliveriesOf,
  newsletterStatus,
  newsletterWorker,
  recipientsOf,
  scheduleNewsletter,
  setUpClinic,
  unfolded,
} from '../helpers/newsletters'
import { richText } from '../helpers/fixtures'
import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'
import { startSmtpSink } from '../helpers/smtpSink'
import { stopWorkers as stopAll, type WorkerProcess } from '../helpers/worker'
import { waitFor } from '../helpers/waitFor'

/**
 * The sending pipeline with a real SMTP sink and real worker processes: audience, headers,
 * compile-once, SMTP failures, server down, and a person's levers (pause, resume, cancel,
 * retry failed). Crash safety has its own file (newsletters-crash).
 */

let ctx: TestPayload
let conditions: Array<number | string>
const workers: WorkerProcess[] = []
const sinks: Array<{ close: () => Promise<void> }> = []

const startSink = async (options?: Parameters<typeof startSmtpSink>[0]) => {
  const sink = await startSmtpSink(options)
  sinks.push(sink)
  return sink
}
const worker = (smtpUrl: string, env: Record<string, string> = {}) => {
  const started = newsletterWorker(ctx.databaseUri, smtpUrl, env)
  workers.push(started)
  return started
}
const stopWorkers = () => stopAll(workers, 'SIGTERM')

beforeAll(async () => {
  ctx = await startTestPayload('newsletters-sending')
  conditions = await setUpClinic(ctx.payload)
})

afterEach(stopWorkers)

afterAll(async () => {
  await stopWorkers()
  for (const sink of sinks) await sink.close()
  if (ctx) await stopTestPayload(ctx)
})

describe('sending a newsletter', () => {
  it('reaches exactly its topic audience, with list headers, a working one-click link, and one MJML compile', async () => {
    const [backPain, sciatica] = conditions
    const { payload } = ctx
    const wanted = [
      ...(await addSubscribers(payload, 3, { prefix: 'back', topics: [backPain], name: (i) => `Back ${i}` })),
      ...(await addSubscribers(payload, 2, { prefix: 'everything' })),
      ...(await addSubscribers(payload, 1, { prefix: 'both', topics: [backPain, sciatica] })),
    ]
    await addSubscribers(payload, 2, { prefix: 'sciatica-only', topics: [sciatica] })
    await addSubscribers(payload, 1, { prefix: 'pending', status: 'pending' })
    await addSubscribers(payload, 1, { prefix: 'gone', status: 'unsubscribed' })
    await addSubscribers(payload, 1, { prefix: 'dead', status: 'bounced' })
    const sink = await startSink()
    const subject = 'Back pain news'
    const newsletter = await scheduleNewsletter(payload, { subject, audience: 'topics', audienceTopics: [backPain] })
    const w = worker(sink.url)
    await waitFor('the newsletter to be sent', async () => (await newsletterStatus(payload, newsletter.id)).status === 'sent')

    const expected = ['back-0', 'back-1', 'back-2', 'everything-0', 'everything-1', 'both-0'].map((p) => `${p}@example.com`)
    expect(recipientsOf(sink.messages, subject).sort()).toEqual(expected.sort())
    const done = await newsletterStatus(payload, newsletter.id)
    expect(done.counts).toMatchObject({ recipients: 6, sent: 6, failed: 0, bounced: 0, unknown: 0 })
    expect(done.finishedAt).toBeTruthy()
    const deliveries = await deliveriesOf(payload, newsletter.id)
    expect(deliveries.map((d) => d.status)).toEqual(Array(6).fill('sent'))
    expect(deliveries.every((d) => d.smtpResponse?.startsWith('250'))).toBe(true)

    const mail = unfolded(sink.messages.find((m) => m.to[0] === 'back-0@example.com')!.raw)
    expect(mail).toMatch(/List-Unsubscribe: <https?:\/\/[^>]+\/email\/unsubscribe\?token=[^>]+>(?!,\s*<mailto:)/)
    expect(mail).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/)
    // On the From domain (newsletterWorker's EMAIL_FROM), random, and stored on the delivery (tests/int/deliverability-headers.int.spec.ts).
    expect(mail).toMatch(/List-Id: "Stevenson Clinic newsletter" <newsletter\.stevenson-clinic\.test>/i)
    const messageId = /^Message-ID: (<[^>]+>)/m.exec(mail)![1]
    expect(messageId).toMatch(/^<[A-Za-z0-9_-]{24}@stevenson-clinic\.test>$/)
    expect(deliveries.find((d) => d.email === 'back-0@example.com')!.messageId).toBe(messageId)
    expect(mail).toContain('Back 0')

    // The one-click URL, posted exactly as a mail provider does, unsubscribes that subscriber.
    const url = /List-Unsubscribe: <([^>]+)>/.exec(mail)![1]
    const route = await import('../../src/app/(subscribers)/email/unsubscribe/route')
    const response = await route.POST(
      new Request(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' }),
    )
    expect(response.status).toBe(200)
    const subscriber = await payload.findByID({ collection: 'subscribers', id: wanted[0] })
    expect(subscriber.status).toBe('unsubscribed')

    await waitFor('the finish log line', () => /newsletter\.finished/.test(w.output()))
    // The worker logs its process-wide MJML compile count when the send finishes: one send, one compile.
    const log = w.output().replace(/\x1b\[[0-9;]*m/g, '')
    expect(Number(/mjmlCompileCount\W+(\d+)/.exec(log.slice(log.indexOf('newsletter.finished')))?.[1])).toBe(1)
  }, 240_000)

  it('retries 451 answers until delivered, and marks 550 5.1.1 as bounced with the subscriber', async () => {
    const { payload } = ctx
    await payload.db.updateMany({ collection: 'subscribers', where: { status: { equals: 'confirmed' } }, data: { status: 'unsubscribed' } })
    const ids = await addSubscribers(payload, 6, { prefix: 'smtp-errors' })
    const tries = new Map<string, number>()
    const sink = await startSink({
      rejectRecipient: (address) => {
        const n = (tries.get(address) ?? 0) + 1
        tries.set(address, n)
        if (/smtp-errors-[01]@/.test(address) && n <= 2) return { code: 451, message: '4.7.1 Greylisted, try again later' }
        if (/smtp-errors-2@/.test(address)) return { code: 550, message: '5.1.1 <' + address + '>: Recipient address rejected: User unknown' }
        return undefined
      },
    })
    const subject = 'SMTP error handling'
    const newsletter = await scheduleNewsletter(payload, { subject })
    worker(sink.url)
    await waitFor('the newsletter to finish', async () => ['sent', 'failed'].includes((await newsletterStatus(payload, newsletter.id)).status))
    const received = recipientsOf(sink.messages, subject).sort()
    expect(received).toEqual(['smtp-errors-0', 'smtp-errors-1', 'smtp-errors-3', 'smtp-errors-4', 'smtp-errors-5'].map((p) => `${p}@example.com`))
    const deliveries = await deliveriesOf(payload, newsletter.id)
    const byEmail = new Map(deliveries.map((d) => [d.email, d]))
    expect(byEmail.get('smtp-errors-0@example.com')).toMatchObject({ status: 'sent', attempts: 3 })
    expect(byEmail.get('smtp-errors-2@example.com')).toMatchObject({ status: 'bounced' })
    expect(byEmail.get('smtp-errors-2@example.com').smtpResponse).toMatch(/550 5\.1\.1/)
    const bounced = await payload.findByID({ collection: 'subscribers', id: ids[2] })
    expect(bounced).toMatchObject({ status: 'bounced', bounceCount: 1 })
    expect((await newsletterStatus(payload, newsletter.id)).counts).toMatchObject({ sent: 5, bounced: 1 })
  }, 240_000)

  it('pauses itself while the SMTP server is down and resumes when it is back', async () => {
    const { payload } = ctx
    await payload.db.updateMany({ collection: 'subscribers', where: { status: { equals: 'confirmed' } }, data: { status: 'unsubscribed' } })
    await addSubscribers(payload, 20, { prefix: 'outage' })
    const sink = await startSink()
    const port = sink.port
    await sink.close()
    const subject = 'During an outage'
    const newsletter = await scheduleNewsletter(payload, { subject })
    worker(sink.url)
    const paused = await waitFor('the automatic pause', async () => {
      const doc = await newsletterStatus(payload, newsletter.id)
      return doc.status === 'paused' ? doc : null
    })
    expect(paused.note).toMatch(/SMTP server unreachable since .* retrying automatically/)
    const back = await startSink({ port })
    await waitFor('the newsletter to be sent', async () => (await newsletterStatus(payload, newsletter.id)).status === 'sent')
    expect(recipientsOf(back.messages, subject).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `outage-${i}@example.com`).sort())
    expect((await newsletterStatus(payload, newsletter.id)).note).toBeNull()
  }, 240_000)

  it('pause, resume and cancel through the endpoints; retry-failed resends the failed only; unsubscribes during a send are honoured', async () => {
    const { payload } = ctx
    const http = await import('../helpers/http')
    const { createStaff, PASSWORD } = await import('../helpers/fixtures')
    await createStaff(payload)
    void http
    void PASSWORD
    await payload.db.updateMany({ collection: 'subscribers', where: { status: { equals: 'confirmed' } }, data: { status: 'unsubscribed' } })
    const ids = await addSubscribers(payload, 300, { prefix: 'levers' })
    // A slow server (one message at a time, 20 per second) so there is time to act mid-send.
    const sink = await startSink({
      rejectRecipient: (address) => (address === 'levers-5@example.com' ? { code: 554, message: '5.7.1 Message rejected as spam' } : undefined),
    })
    const subject = 'Levers'
    const newsletter = await scheduleNewsletter(payload, { subject })
    const sending = worker(sink.url, { SMTP_RATE_PER_SECOND: '40', SMTP_POOL_SIZE: '2' })
    const runsEnded = () => sending.output().match(/newsletter\.run-ended/g)?.length ?? 0

    const { pauseNewsletter, resumeNewsletter, cancelNewsletter, retryFailedDeliveries, newsletterProgress } = await import(
      '../../jobs/newsletters/control'
    )
    await waitFor('some messages', () => recipientsOf(sink.messages, subject).length >= 20)
    // Unsubscribed mid-send, through the normal path (hooks run): never receives it.
    await payload.update({ collection: 'subscribers', id: ids[299], data: { status: 'unsubscribed' } })

    const endedBeforePause = runsEnded()
    expect((await pauseNewsletter(payload, newsletter.id)).ok).toBe(true)
    // The worker sees the pause at its next lease renewal and ends the run (logged).
    await waitFor('the worker to end its run on the pause', () => runsEnded() > endedBeforePause, 30_000)
    // Once paused, at most what was on the wire still arrives: wait until nothing is in
    // flight (no delivery 'sending') and every message the sink took is recorded as sent.
    await waitFor('the in-flight messages to settle', async () => {
      const rows = await deliveriesOf(payload, newsletter.id)
      return !rows.some((d) => d.status === 'sending') && rows.filter((d) => d.status === 'sent').length === recipientsOf(sink.messages, subject).length
    }, 30_000)
    const whilePaused = recipientsOf(sink.messages, subject).length
    // Then nothing: a second of watching is the claim under test (a worker that ignored the
    // pause would send ~40 in it), not a wait for something to happen.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    expect(recipientsOf(sink.messages, subject).length).toBe(whilePaused)
    expect(whilePaused).toBeLessThan(300)
    const progress = await newsletterProgress(payload, newsletter.id)
    expect(progress?.status).toBe('paused')
    expect(progress?.counts.queued).toBeGreaterThan(0)
    expect((await pauseNewsletter(payload, newsletter.id)).ok).toBe(false) // 409: already paused

    expect((await resumeNewsletter(payload, newsletter.id)).ok).toBe(true)
    await waitFor('the newsletter to finish', async () => ['sent', 'failed'].includes((await newsletterStatus(payload, newsletter.id)).status), 60_000)
    let deliveries = await deliveriesOf(payload, newsletter.id)
    const statusOf = (email: string) => deliveries.find((d) => d.email === email)?.status
    // The audience snapshot runs alongside the send: if it had not reached levers-299 when they
    // unsubscribed, they are left out of it (no delivery); if it had, their queued delivery is skipped.
    expect([undefined, 'skipped']).toContain(statusOf('levers-299@example.com'))
    expect(recipientsOf(sink.messages, subject)).not.toContain('levers-299@example.com')
    // 554 5.7.1 is about the message, not the mailbox: bounced (counted), subscriber stays.
    expect(statusOf('levers-5@example.com')).toBe('bounced')
    const received = recipientsOf(sink.messages, subject)
    expect(new Set(received).size).toBe(received.length)
    expect(received.length).toBe(298)

    // Retry failed only: make two deliveries failed (as a 5xx config error would), retry, see just those two again.
    const failedOnes = deliveries.filter((d) => d.status === 'sent').slice(0, 2)
    for (const d of failedOnes) await payload.db.updateOne({ collection: 'deliveries', id: d.id, data: { status: 'failed' } })
    const before = sink.messages.length
    const retried = await retryFailedDeliveries(payload, newsletter.id)
    expect(retried.ok).toBe(true)
    await waitFor('the retried newsletter to finish', async () => (await newsletterStatus(payload, newsletter.id)).status === 'sent', 60_000)
    expect(sink.messages.slice(before).flatMap((m) => m.to).sort()).toEqual(failedOnes.map((d) => d.email).sort())
    expect((await retryFailedDeliveries(payload, newsletter.id)).ok).toBe(false) // nothing failed now

    // Cancel: a second newsletter, cancelled mid-send, leaves its queue cancelled.
    const second = await scheduleNewsletter(payload, { subject: 'Cancelled one' })
    await waitFor('some messages of the second', () => recipientsOf(sink.messages, 'Cancelled one').length >= 10)
    const cancelled = await cancelNewsletter(payload, second.id)
    expect(cancelled.ok).toBe(true)
    // Settled: nothing queued or in flight, and every message the sink took recorded as sent.
    await waitFor('the cancelled send to settle', async () => {
      const rows = await deliveriesOf(payload, second.id)
      return !rows.some((d) => d.status === 'queued' || d.status === 'sending') && rows.filter((d) => d.status === 'sent').length === recipientsOf(sink.messages, 'Cancelled one').length
    }, 30_000)
    deliveries = await deliveriesOf(payload, second.id)
    const sentCount = recipientsOf(sink.messages, 'Cancelled one').length
    expect(deliveries.filter((d) => d.status === 'cancelled').length).toBeGreaterThan(0)
    expect(deliveries.filter((d) => d.status === 'sent').length).toBe(sentCount)
    expect(deliveries.filter((d) => d.status === 'queued' || d.status === 'sending').length).toBe(0)
    expect((await newsletterStatus(payload, second.id)).status).toBe('cancelled')
    expect((await resumeNewsletter(payload, second.id)).ok).toBe(false)
  }, 240_000)
})

describe('the audience snapshot', () => {
  it("writes a page in one multi-row insert with the same rows as Payload's create, and never queues a subscriber twice", async () => {
    const { payload } = ctx
    const { insertDeliveries } = await import('../../jobs/newsletters/store/snapshot')
    const draftNewsletter = (subject: string) => payload.create({ collection: 'newsletters', data: { subject, intro: richText('Rows.') } as never })
    const draft = await draftNewsletter('Snapshot rows')
    const ids = await addSubscribers(payload, 6, { prefix: 'snapshot' })
    const subscribers = (await payload.find({ collection: 'subscribers', where: { id: { in: ids } }, sort: 'id', limit: 0, overrideAccess: true })).docs
    const messageId = (subscriberId: number | string) => `<snapshot-${subscriberId}@localhost>`

    // Two runs of the same step at once (a takeover race): both see nothing queued yet; the
    // unique index lets exactly one row per subscriber in, and the loser's count says so.
    const page = subscribers.slice(0, 5)
    const inserted = await Promise.all([insertDeliveries(payload, draft.id, page, messageId), insertDeliveries(payload, draft.id, page, messageId)])
    expect(inserted.reduce((sum, n) => sum + n, 0)).toBe(5)
    expect(await insertDeliveries(payload, draft.id, subscribers, messageId)).toBe(1) // only the sixth is new

    // The sixth row next to one written by Payload's own create: the same fields, the same shape.
    const byCreate = await payload.create({
      collection: 'deliveries',
      data: { newsletter: draft.id, subscriber: subscribers[5].id, email: 'other@example.com', status: 'queued', attempts: 0, messageId: 'x' } as never,
      overrideAccess: true,
    }).catch((error: Error) => error)
    expect(byCreate).toBeInstanceOf(Error) // the pair is unique in the database, whoever writes it
    const reference = await payload.create({
      collection: 'deliveries',
      data: { newsletter: (await draftNewsletter('Reference rows')).id, subscriber: subscribers[5].id, email: subscribers[5].email, status: 'queued', attempts: 0, messageId: 'x' } as never,
      overrideAccess: true,
    })
    const rows = (await payload.find({ collection: 'deliveries', where: { newsletter: { equals: draft.id } }, sort: 'id', depth: 0, limit: 0, overrideAccess: true })).docs
    expect(rows.map((row) => row.subscriber)).toEqual(subscribers.map((s) => s.id))
    const shape = (row: Record<string, unknown>) => Object.keys(row).filter((key) => row[key] !== null && row[key] !== undefined).sort()
    const sixth = rows[5] as unknown as Record<string, unknown>
    expect(shape(sixth)).toEqual(shape(reference as unknown as Record<string, unknown>))
    expect(sixth).toMatchObject({ status: 'queued', attempts: 0, email: subscribers[5].email, messageId: messageId(subscribers[5].id) })
    expect(Number.isNaN(Date.parse(String(sixth.createdAt)))).toBe(false)
    expect(Number.isNaN(Date.parse(String(sixth.updatedAt)))).toBe(false)
  })
})

