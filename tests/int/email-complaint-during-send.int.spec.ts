import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { addSubscribers, deliveriesOf, newsletterStatus, newsletterWorker, recipientsOf, scheduleNewsletter, setUpClinic } from '../helpers/newsletters'
import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'
import { startSmtpSink } from '../helpers/smtpSink'
import { stopWorkers, type WorkerProcess } from '../helpers/worker'
import { waitFor } from '../helpers/waitFor'

/** A complaint that arrives while a newsletter to that address is still queued: it is never sent (a real worker, a real SMTP sink). */

let ctx: TestPayload
let sink: Awaited<ReturnType<typeof startSmtpSink>>
const workers: WorkerProcess[] = []

beforeAll(async () => {
  ctx = await startTestPayload('email-complaint-during-send')
  await setUpClinic(ctx.payload)
  sink = await startSmtpSink()
})

afterAll(async () => {
  await stopWorkers(workers, 'SIGTERM')
  await sink?.close()
  if (ctx) await stopTestPayload(ctx)
})

describe('a complaint during a send', () => {
  it('stops the queued message to that address; everyone else gets theirs once', async () => {
    const { payload } = ctx
    const { applyEmailEvents } = await import('../../src/emailEvents/apply')
    await addSubscribers(payload, 150, { prefix: 'during' })
    const subject = 'Complaint mid-send'
    const newsletter = await scheduleNewsletter(payload, { subject })
    // Slow (40 a second, two connections): the last addresses are still queued when the complaint comes.
    workers.push(newsletterWorker(ctx.databaseUri, sink.url, { SMTP_RATE_PER_SECOND: '40', SMTP_POOL_SIZE: '2' }))
    await waitFor('some messages', () => recipientsOf(sink.messages, subject).length >= 10, 60_000)
    const complainers = ['during-147@example.com', 'during-148@example.com', 'during-149@example.com']
    const result = await applyEmailEvents(
      payload,
      complainers.map((email, i) => ({ provider: 'generic', eventId: `mid-send-${i}`, type: 'complaint', email, occurredAt: new Date().toISOString() })),
    )
    expect(result.applied).toBe(3)

    await waitFor('the newsletter to finish', async () => ['sent', 'failed'].includes((await newsletterStatus(payload, newsletter.id)).status), 60_000)
    const received = recipientsOf(sink.messages, subject)
    for (const email of complainers) expect(received).not.toContain(email)
    expect(new Set(received).size).toBe(received.length)
    expect(received.length).toBe(147)
    const deliveries = await deliveriesOf(payload, newsletter.id)
    // Copied into deliveries before the complaint (skipped), or after it (left out: no longer confirmed).
    for (const email of complainers) expect([undefined, 'skipped']).toContain(deliveries.find((row) => row.email === email)?.status)
  })
})
