import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { addSubscribers, deliveriesOf, newsletterStatus, newsletterWorker, recipientsOf, scheduleNewsletter, setUpClinic } from '../helpers/newsletters'
import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'
import { startSmtpSink } from '../helpers/smtpSink'
import { stopWorkers, type WorkerProcess } from '../helpers/worker'
import { waitFor } from '../helpers/waitFor'

/**
 * The point of the pipeline: kill -9 the worker in the middle of a send, several times,
 * restart (then two workers at once), and compare what the SMTP server received with the
 * deliveries table. No one gets it twice; everyone who is not `unknown` gets it exactly
 * once; `unknown` is bounded by the in-flight window per crash.
 */

const RECIPIENTS = 2_000
const POOL_SIZE = 5
/** The default window: twice the pool size. */
const IN_FLIGHT = POOL_SIZE
let ctx: TestPayload
let sink: Awaited<ReturnType<typeof startSmtpSink>>
const workers: WorkerProcess[] = []

beforeAll(async () => {
  ctx = await startTestPayload('newsletters-crash')
  await setUpClinic(ctx.payload)
  sink = await startSmtpSink()
})

afterAll(async () => {
  await stopWorkers(workers)
  await sink?.close()
  if (ctx) await stopTestPayload(ctx)
})

const worker = () => {
  const started = newsletterWorker(ctx.databaseUri, sink.url, { SMTP_POOL_SIZE: String(POOL_SIZE) })
  workers.push(started)
  return started
}

describe('crash safety', () => {
  it(`kill -9 at 10%, 50% and 90% of ${RECIPIENTS} recipients, then two workers at once: no duplicates, no one missing but unknown`, async () => {
    const { payload } = ctx
    await addSubscribers(payload, RECIPIENTS, { prefix: 'crash' })
    const subject = 'Crash-proof newsletter'
    const newsletter = await scheduleNewsletter(payload, { subject })
    const received = () => recipientsOf(sink.messages, subject).length

    const crashes = [0.1, 0.5, 0.9]
    for (const fraction of crashes) {
      const w = worker()
      await waitFor(`${fraction * 100}% of messages`, () => received() >= fraction * RECIPIENTS, 120_000)
      w.kill('SIGKILL')
      await w.exited
      // The killed worker's lease is still live in the database: the next one takes over when it expires.
      expect((await newsletterStatus(payload, newsletter.id)).status).toBe('sending')
    }
    const a = worker()
    const b = worker()
    await Promise.all([a.ready, b.ready])
    await waitFor('the newsletter to be sent', async () => (await newsletterStatus(payload, newsletter.id)).status === 'sent', 180_000)

    const got = recipientsOf(sink.messages, subject)
    const gotSet = new Set(got)
    // Zero duplicates.
    expect(got.length).toBe(gotSet.size)
    const deliveries = await deliveriesOf(payload, newsletter.id)
    expect(deliveries.length).toBe(RECIPIENTS)
    const unknown = deliveries.filter((d) => d.status === 'unknown')
    const sent = deliveries.filter((d) => d.status === 'sent')
    expect(sent.length + unknown.length).toBe(RECIPIENTS)
    // Every `sent` row was received; nothing was received that is not sent or unknown.
    for (const d of sent) expect(gotSet.has(d.email)).toBe(true)
    const sentOrUnknown = new Set([...sent, ...unknown].map((d) => d.email))
    for (const email of got) expect(sentOrUnknown.has(email)).toBe(true)
    // Zero missing other than unknown: every subscriber not unknown received it exactly once.
    const missing = deliveries.filter((d) => !gotSet.has(d.email))
    expect(missing.every((d) => d.status === 'unknown')).toBe(true)
    // At most the in-flight window (NEWSLETTER_IN_FLIGHT, default the pool size) per crash is ambiguous.
    expect(unknown.length).toBeLessThanOrEqual(IN_FLIGHT * crashes.length)
    const counts = (await newsletterStatus(payload, newsletter.id)).counts
    expect(counts).toMatchObject({ recipients: RECIPIENTS, sent: sent.length, unknown: unknown.length })
    console.info(`crash test: ${got.length} received, ${sent.length} sent, ${unknown.length} unknown after ${crashes.length} kill -9`)
  }, 900_000)
})
