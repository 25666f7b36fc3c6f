/**
 * `npm run bench:newsletter-throughput [-- --subscribers 100000]`: end-to-end newsletter
 * throughput of the real worker against a bare nodemailer pool, in the same run, to the same
 * SMTP sink (its own process). See bench/newsletter-throughput/README.md.
 *
 * 1. N confirmed subscribers on a temp SQLite file (default 10,000).
 * 2. Ceiling, before and after the pipeline (ratios against their mean): the same pooled
 *    transport (`createMailer`: TCP_NODELAY sockets, same pool size) sends one pre-rendered
 *    newsletter M times (M = min(N, 10,000)) as fast as it can, twice: as html/text strings
 *    that nodemailer encodes for every message (the ceiling), and as the parts the
 *    pipeline sends, quoted-printable encoded once (like for like: what is left between the
 *    two is the pipeline's own work, database and personalisation).
 * 3. Pipeline: one worker process; a newsletter is scheduled for an instant a few seconds
 *    ahead; measured from that instant to the last delivery recorded (max `sentAt`), so the
 *    audience snapshot, the compile and every database write are inside the number.
 * Prints messages/s of each, both ratios (goal ≥ 0.8), the worker's peak RSS (VmHWM) and its
 * MJML compile count.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { createCleanup } from '../lib/cleanup'
import { startCountingSink } from '../lib/counting-sink'
import { machineInfo } from '../lib/machine'

const argValue = (name: string) => {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? process.argv[index + 1] : undefined
}
const positive = (raw: string | undefined, fallback: number, what: string) => {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${what} must be a whole number >= 1 (got "${raw}").`)
    process.exit(1)
  }
  return value
}

const SUBSCRIBERS = positive(argValue('subscribers'), 10_000, '--subscribers')
const POOL_SIZE = positive(argValue('pool') ?? process.env.SMTP_POOL_SIZE, 5, '--pool')
const CEILING_MESSAGES = Math.min(SUBSCRIBERS, positive(argValue('ceiling-messages'), 10_000, '--ceiling-messages'))
const SEND_AT_DELAY_MS = 3_000
/** `--worker-heap-mb 256`: cap the worker's V8 old space, to tell garbage V8 has not collected yet from memory that is held. */
const WORKER_HEAP_MB = argValue('worker-heap-mb') ? positive(argValue('worker-heap-mb'), 0, '--worker-heap-mb') : undefined

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-newsletter-'))
const databaseFile = path.join(dir, 'cms.db')
process.env.DATABASE_URI = `file:${databaseFile}`
process.env.PAYLOAD_SECRET ||= 'bench-secret-not-for-production-0123456789'
process.env.SEED_DEMO_CONTENT = 'false'
// The worker runs with the operator's SQLITE_SYNCHRONOUS (default FULL); the bench's own
// set-up inserts use NORMAL so that 100,000 subscribers load in minutes, not a quarter hour.
const WORKER_SYNCHRONOUS = process.env.SQLITE_SYNCHRONOUS || 'FULL'
process.env.SQLITE_SYNCHRONOUS = 'NORMAL'
process.env.MEDIA_DIR = path.join(dir, 'media')

const cleanup = createCleanup('the newsletter bench')
cleanup.add(async () => fs.rmSync(dir, { recursive: true, force: true }))

// ---- the sink, in its own process ----
const sink = await startCountingSink()
cleanup.add(async () => sink.close())
const sinkCount = sink.count
const smtpUrl = sink.smtpUrl

const { getPayload } = await import('payload')
const { default: config } = await import('../../payload.config')
const payload = await getPayload({ config })
cleanup.add(() => payload.destroy())

await payload.updateGlobal({
  slug: 'clinic',
  data: { name: 'Stevenson Clinic', bookingUrl: 'https://example.com/book', timezone: 'America/Chicago', mailingAddress: '123 Example St\nSpringfield', medicalDisclaimer: 'Not medical advice.' },
})

// ---- subscribers, straight through the adapter ----
const started = Date.now()
for (let i = 0; i < SUBSCRIBERS; i++) {
  await payload.db.create({
    collection: 'subscribers',
    data: { email: `reader-${i}@example.com`, emailKey: `reader-${i}@example.com`, manageSecret: `bench-secret-${i}`, name: `Reader ${i}`, status: 'confirmed', bounceCount: 0 },
    returning: false,
  })
}
const insertSeconds = Number(((Date.now() - started) / 1000).toFixed(1))
console.log(`${SUBSCRIBERS} subscribers inserted in ${insertSeconds} s`)

// A newsletter of realistic size: an intro of several paragraphs.
const paragraph = (text: string) => ({
  type: 'paragraph', format: '', indent: 0, version: 1, direction: 'ltr', textFormat: 0,
  children: [{ type: 'text', text, format: 0, style: '', mode: 'normal', detail: 0, version: 1 }],
})
const intro = {
  root: {
    type: 'root', format: '', indent: 0, version: 1, direction: 'ltr',
    children: Array.from({ length: 40 }, (_, i) =>
      paragraph(`Paragraph ${i + 1}: gentle stretches, heat and regular massage help stiff backs through the winter months, and a few minutes each morning make the difference.`),
    ),
  },
}

// ---- ceiling: bare pool, same socket settings, same pool size, pre-rendered message ----
const { compileNewsletter, personaliseNewsletter, personaliseNewsletterParts } = await import('../../emails/newsletters/compile')
const { createMailer } = await import('../../emails/transport')
const { listUnsubscribeHeaders, preferencesUrl, unsubscribeUrl } = await import('../../src/subscribers/links')
const draft = { id: 0, subject: 'Ceiling run', intro, audience: 'all', template: 'newsletter', status: 'draft' } as never
const compiled = await compileNewsletter(payload, draft)
const reader = { name: 'Reader', unsubscribeUrl: unsubscribeUrl({ id: 1, manageSecret: 'bench-secret-0' }), preferencesUrl: preferencesUrl({ id: 1, manageSecret: 'bench-secret-0' }) }
const body = personaliseNewsletter(compiled, reader)
const encodedBody = personaliseNewsletterParts(compiled, reader)
const messageBytes = Buffer.byteLength(body.html) + Buffer.byteLength(body.text)
/**
 * The machine's spare capacity drifts within minutes (shared VM), so the ceiling is measured
 * just before and just after the pipeline, and the ratio uses their mean.
 */
const measureCeiling = async (subject: string, parts: { html: string | { raw: string }; text: string | { raw: string } }) => {
  const mailer = createMailer({ smtpUrl, poolSize: POOL_SIZE, requeueOnConnectionClose: false })
  const startedAt = Date.now()
  await Promise.all(
    Array.from({ length: CEILING_MESSAGES }, (_, i) =>
      mailer.send({ to: `reader-${i}@example.com`, subject, ...parts, headers: listUnsubscribeHeaders({ id: i + 1, manageSecret: `bench-secret-${i}` }) }),
    ),
  )
  const seconds = (Date.now() - startedAt) / 1000
  mailer.close()
  const rate = CEILING_MESSAGES / seconds
  console.log(`${subject}: ${CEILING_MESSAGES} messages (${(messageBytes / 1024).toFixed(0)} KB html+text) in ${seconds.toFixed(1)} s = ${rate.toFixed(0)} msg/s (sink counted ${await sinkCount(subject)})`)
  return rate
}
const ceilingBefore = await measureCeiling('strings ceiling before', body)
const encodedCeilingBefore = await measureCeiling('encoded-once ceiling before', encodedBody)

// ---- the pipeline: a real worker process ----
const { startWorker } = await import('../../tests/helpers/worker')
const worker = startWorker({
  DATABASE_URI: `file:${databaseFile}`,
  SMTP_URL: smtpUrl,
  SMTP_POOL_SIZE: String(POOL_SIZE),
  SQLITE_SYNCHRONOUS: WORKER_SYNCHRONOUS,
  NODE_ENV: 'production',
  NODE_OPTIONS: ['--conditions=production', WORKER_HEAP_MB ? `--max-old-space-size=${WORKER_HEAP_MB}` : '', process.env.BENCH_WORKER_NODE_OPTIONS ?? ''].filter(Boolean).join(' '),
})
cleanup.add(async () => {
  worker.kill('SIGKILL')
  await worker.exited
})
await worker.ready
const readMemory = () => {
  try {
    const status = fs.readFileSync(`/proc/${worker.child.pid}/status`, 'utf8')
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
    return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 }
  } catch {
    return { rssMiB: 0, hwmMiB: 0 }
  }
}
const idleMemory = readMemory()
const sendAt = Date.now() + SEND_AT_DELAY_MS
const newsletter = await payload.create({
  collection: 'newsletters',
  data: { subject: 'Pipeline run', intro, status: 'scheduled', sendAt: new Date(sendAt).toISOString() } as never,
})
// VmHWM includes start-up (tsx compiling the sources); the RSS sampled during the send is
// what grows, or not, with the audience.
let peakSendingRssMiB = idleMemory.rssMiB
for (;;) {
  await new Promise((resolve) => setTimeout(resolve, 250))
  peakSendingRssMiB = Math.max(peakSendingRssMiB, readMemory().rssMiB)
  const doc = await payload.db.findOne<{ id: number; status: string }>({ collection: 'newsletters', where: { id: { equals: newsletter.id } } })
  if (doc && ['sent', 'failed'].includes(doc.status)) break
}
const { docs: last } = await payload.db.find<{ sentAt: string }>({
  collection: 'deliveries',
  where: { and: [{ newsletter: { equals: newsletter.id } }, { status: { equals: 'sent' } }] },
  sort: '-sentAt',
  limit: 1,
  pagination: false,
})
const sent = await payload.db.count({ collection: 'deliveries', where: { and: [{ newsletter: { equals: newsletter.id } }, { status: { equals: 'sent' } }] } })
const pipelineSeconds = (Date.parse(last[0].sentAt) - sendAt) / 1000
const pipelineRate = sent.totalDocs / pipelineSeconds
const received = await sinkCount('Pipeline run')
const log = worker.output().replace(/\x1b\[[0-9;]*m/g, '')
const compiles = /newsletter\.finished[\s\S]*?mjmlCompileCount\W+(\d+)/.exec(log)?.[1] ?? '?'
const snapshotMs = /newsletter\.snapshot-done[\s\S]*?ms\W+(\d+)/.exec(log)?.[1] ?? '?'
const final = readMemory()

const ceilingAfter = await measureCeiling('strings ceiling after', body)
const encodedCeilingAfter = await measureCeiling('encoded-once ceiling after', encodedBody)
const ceilingRate = (ceilingBefore + ceilingAfter) / 2
const encodedCeilingRate = (encodedCeilingBefore + encodedCeilingAfter) / 2

console.log(`pipeline: ${sent.totalDocs} sent (sink received ${received}) in ${pipelineSeconds.toFixed(1)} s from the scheduled instant = ${pipelineRate.toFixed(0)} msg/s (audience snapshot ${snapshotMs} ms)`)
console.log(
  JSON.stringify(
    {
      subscribers: SUBSCRIBERS,
      poolSize: POOL_SIZE,
      sqliteSynchronous: WORKER_SYNCHRONOUS,
      messageKiB: Math.round(messageBytes / 1024),
      ceilingMsgPerS: Math.round(ceilingRate),
      ceilingBeforeAfterMsgPerS: [Math.round(ceilingBefore), Math.round(ceilingAfter)],
      pipelineMsgPerS: Math.round(pipelineRate),
      ratio: Number((pipelineRate / ceilingRate).toFixed(2)),
      encodedCeilingMsgPerS: Math.round(encodedCeilingRate),
      encodedCeilingBeforeAfterMsgPerS: [Math.round(encodedCeilingBefore), Math.round(encodedCeilingAfter)],
      ratioLikeForLike: Number((pipelineRate / encodedCeilingRate).toFixed(2)),
      goalRatio: 0.8,
      workerIdleRssMiB: Math.round(idleMemory.rssMiB),
      workerPeakRssWhileSendingMiB: Math.round(peakSendingRssMiB),
      workerVmHwmMiB: Math.round(final.hwmMiB),
      workerHeapCapMiB: WORKER_HEAP_MB ?? null,
      mjmlCompileCount: Number(compiles),
      subscriberInsertS: insertSeconds,
      snapshotMs: Number(snapshotMs),
      machine: machineInfo(),
    },
    null,
    2,
  ),
)
await cleanup.run()
process.exit(0)
