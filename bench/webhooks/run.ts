/**
 * `npm run bench:webhooks`: what publish webhooks cost and how fast they arrive.
 *
 * 1. Save cost: a published article updated, and autosaved, N times each, with the event
 *    hooks switched off (`context.disableWebhooks`, the baseline), on with no webhook, and on
 *    with one subscribed webhook (recording a delivery per save). Ratios against the baseline.
 * 2. Delivery latency: one worker, N publishes one at a time; time from the publish
 *    returning to the receiver getting the POST (the worker's clock ticks every second).
 * 3. Throughput: N deliveries queued while no worker runs, then one worker drains them into a
 *    local receiver (WEBHOOK_CONCURRENCY, default 4).
 *
 * Real parts only: a temp SQLite file, the Local API, `node --import tsx jobs/worker.ts`, a
 * node:http receiver. Timings depend on the machine: compare the ratios, not the numbers.
 */
import { createCleanup } from '../lib/cleanup'
import { machineInfo } from '../lib/machine'
import { richText } from '../../tests/helpers/fixtures'
import { startTestPayload, stopTestPayload } from '../../tests/helpers/payload'
import { startWebhookReceiver } from '../../tests/helpers/webhookReceiver'
import { startWorker, type WorkerProcess } from '../../tests/helpers/worker'

const N = Number(process.env.BENCH_N) > 0 ? Number(process.env.BENCH_N) : 40
process.env.PAYLOAD_SECRET ||= 'bench-secret-0123456789abcdef'
process.env.SEED_DEMO_CONTENT = 'false'

const cleanup = createCleanup('the webhooks bench')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
const round = (value: number) => Number(value.toFixed(2))

const ctx = await startTestPayload('bench-webhooks')
cleanup.add(() => stopTestPayload(ctx))
const { payload } = ctx
const receiver = await startWebhookReceiver()
cleanup.add(() => receiver.close())
const workers: WorkerProcess[] = []
cleanup.add(async () => {
  for (const worker of workers) {
    worker.kill('SIGTERM')
    await worker.exited
  }
})

try {
  console.log('machine', JSON.stringify(machineInfo()))
  let counter = 0
  const article = (status: 'draft' | 'published') =>
    payload.create({
      collection: 'articles',
      ...(status === 'draft' ? { draft: true } : {}),
      data: { _status: status, title: `Bench ${++counter}`, slug: `bench-${counter}-${Date.now()}`, content: richText('Body.') },
    })

  // ---- 1. save cost: the three set-ups interleaved, so load changes hit them alike ----
  const setups: Array<{ label: string; context: Record<string, unknown>; doc?: { id: number }; save: number[]; autosave: number[] }> = [
    { label: 'hooks off', context: { disableWebhooks: true }, save: [], autosave: [] },
    { label: 'no webhook', context: {}, save: [], autosave: [] },
    { label: 'one webhook', context: {}, save: [], autosave: [] },
  ]
  for (const setup of setups) setup.doc = (await article('published')) as { id: number }
  const timed = async (run: () => Promise<unknown>) => {
    const started = performance.now()
    await run()
    return performance.now() - started
  }
  const webhook = await payload.create({ collection: 'webhooks', data: { name: 'Bench', url: receiver.url('/bench') } as never })
  // Only the third set-up's document is subscribed-to in effect: the first skips the hooks, and
  // the second's saves run with the webhook disabled for them (collections: faqs only).
  const faqsOnly = await payload.create({ collection: 'webhooks', data: { name: 'Other', url: receiver.url('/other'), collections: ['faqs'] } as never })
  await payload.update({ collection: 'webhooks', id: webhook.id, data: { enabled: false } })
  for (let i = 0; i < N; i++) {
    for (const [index, setup] of setups.entries()) {
      await payload.update({ collection: 'webhooks', id: webhook.id, data: { enabled: index === 2 }, context: {} })
      const id = setup.doc!.id
      setup.save.push(await timed(() => payload.update({ collection: 'articles', id, context: setup.context, data: { excerpt: `save ${i}` } })))
      setup.autosave.push(
        await timed(() =>
          payload.update({ collection: 'articles', id, context: setup.context, draft: true, autosave: true, data: { excerpt: `autosave ${i}` } }),
        ),
      )
    }
  }
  void faqsOnly
  const [base] = setups
  console.log(`\n1. save cost, ${N} saves and ${N} autosaves per set-up (median ms; ratio to hooks off)`)
  for (const setup of setups) {
    const save = percentile(setup.save, 50)
    const autosave = percentile(setup.autosave, 50)
    console.log(
      `${setup.label.padEnd(12)} save ${round(save)} ms (x${round(save / percentile(base.save, 50))})   autosave ${round(autosave)} ms (x${round(autosave / percentile(base.autosave, 50))})`,
    )
  }
  await payload.update({ collection: 'webhooks', id: webhook.id, data: { enabled: true } })

  // ---- 3 first: queue N deliveries while no worker runs ----
  await payload.delete({ collection: 'webhook-deliveries', where: { id: { exists: true } } })
  for (let i = 0; i < N; i++) await article('published')

  const workerEnv = { DATABASE_URI: process.env.DATABASE_URI!, MEDIA_DIR: process.env.MEDIA_DIR!, PAYLOAD_SECRET: process.env.PAYLOAD_SECRET! }
  const worker = startWorker(workerEnv)
  workers.push(worker)
  // From the first POST received to the last: the worker may start sending before it logs ready.
  while (receiver.forPath('/bench').length < 1) await sleep(2)
  const drainStart = performance.now()
  while (receiver.forPath('/bench').length < N) await sleep(2)
  const drainMs = performance.now() - drainStart
  await worker.ready

  // ---- 2. latency, one publish at a time ----
  const latencies: number[] = []
  for (let i = 0; i < N; i++) {
    const doc = await article('draft')
    const before = receiver.forPath('/bench').length
    await payload.update({ collection: 'articles', id: doc.id, data: { _status: 'published' } })
    const published = performance.now()
    while (receiver.forPath('/bench').length === before) await sleep(2)
    latencies.push(performance.now() - published)
    await sleep(Math.random() * 300)
  }

  const { totalDocs: notDelivered } = await payload.count({ collection: 'webhook-deliveries', where: { status: { not_equals: 'delivered' } } })
  console.log(`\n2. publish → receiver, one worker, ${N} publishes: p50 ${round(percentile(latencies, 50))} ms, p95 ${round(percentile(latencies, 95))} ms, max ${round(Math.max(...latencies))} ms`)
  console.log(`\n3. ${N} queued deliveries drained by one worker: first to last POST ${round(drainMs)} ms, ${round(((N - 1) / drainMs) * 1000)} deliveries/s`)
  console.log(`\nnot delivered at the end: ${notDelivered}; webhook ${webhook.id}; requests received: ${receiver.forPath('/bench').length}`)
} finally {
  await cleanup.run()
}
process.exit(0)
