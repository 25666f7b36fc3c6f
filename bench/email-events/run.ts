/**
 * `npm run bench:email-events`: how many bounce and complaint reports `POST /api/email-events/generic`
 * takes in per second, and what taking them in costs a newsletter being sent at the same time.
 * See bench/email-events/README.md.
 *
 * One run, on a SQLite file of its own: the production build (`npm start`: dist/server.mjs), one
 * worker (`jobs/worker.ts`), an SMTP sink in its own process, and this process seeding through
 * the Local API and posting events over HTTP to 127.0.0.1.
 * 1. Baseline: a newsletter to N confirmed subscribers (topic audience), no events; messages/s
 *    from the scheduled instant to the last delivery recorded. Measured before and after each
 *    send of 2a, which is compared with the mean of the two (a shared machine drifts within
 *    minutes); BENCH_ROUNDS (default 5: single rounds range from 0.8 to 1.0) such rounds, the ratio is their median.
 * 2. The same send (a fresh newsletter, same audience) while a client posts signed batches of
 *    100 generic events at a few connections until the send has finished: bounces and complaints
 *    for another group of subscribers (not in the audience), and unknown addresses. Twice:
 *    a. paced at the goal's rate (1000 events/s): the send ratio (2a)/(1), goal >= 0.9;
 *    b. as fast as the endpoint answers: events/s during a send, goal >= 1000.
 * 3. The same events with no send running, as fast as the endpoint answers, a bounded number.
 * Prints events/s (events answered 200 / the client's wall time), p50/p99 per batch and the send
 * ratios, with the goals. Exits 0 whatever the figures, 1 when the endpoint answered anything but
 * 200 to a valid batch or a send did not reach its whole audience.
 */
import { createHmac } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import type { Where } from 'payload'

import { ROOT, localPayloadOnServerData, startProductionServer } from '../../tests/helpers/server'
import { richText } from '../../tests/helpers/fixtures'
import { addSubscribers, setUpClinic } from '../../tests/helpers/newsletters'
import { startWorker } from '../../tests/helpers/worker'
import { createCleanup } from '../lib/cleanup'
import { startCountingSink } from '../lib/counting-sink'
import { positiveIntFromEnv } from '../lib/env'
import { machineInfo } from '../lib/machine'
import { summarise, table } from '../lib/stats'

/** Confirmed subscribers in the newsletter's audience. */
const AUDIENCE = positiveIntFromEnv('BENCH_SUBSCRIBERS', 3000)
/** Subscribers the events of one phase are about (a group per phase, none in the audience). */
const EVENT_SUBSCRIBERS = positiveIntFromEnv('BENCH_EVENT_SUBSCRIBERS', 1500)
const BATCH_SIZE = positiveIntFromEnv('BENCH_EVENT_BATCH', 100)
const CONNECTIONS = positiveIntFromEnv('BENCH_EVENT_CONNECTIONS', 4)
/** Bounds of the events client during a send (it stops earlier when the send has finished). */
const MAX_EVENTS_DURING_SEND = positiveIntFromEnv('BENCH_MAX_EVENTS_DURING_SEND', 60_000)
/** Events/s of the paced client in 2a; default the goal. */
const PACED_RATE = positiveIntFromEnv('BENCH_EVENT_RATE', 1000)
const ROUNDS = positiveIntFromEnv('BENCH_ROUNDS', 5)
/** Events posted with no send running. */
const EVENTS_ALONE = positiveIntFromEnv('BENCH_EVENTS_ALONE', 10_000)
const MAX_CLIENT_SECONDS = positiveIntFromEnv('BENCH_MAX_EVENT_SECONDS', 120)
const POOL_SIZE = positiveIntFromEnv('SMTP_POOL_SIZE', 5)
const SEND_AT_DELAY_MS = 3_000

const GOALS = { eventsPerSecond: 1000, sendRatio: 0.9 }
const SECRET = 'bench-email-events-secret-0123456789'
// The operator's durability setting for the server and the worker (default FULL); this
// process's own seeding uses NORMAL so that thousands of subscribers load in seconds.
const SERVED_SYNCHRONOUS = process.env.SQLITE_SYNCHRONOUS || 'FULL'

const log = (message: string) => console.log(`[bench] ${message}`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const cleanup = createCleanup('the email events bench')

const main = async () => {
  if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID')) || !fs.existsSync(path.join(ROOT, 'dist', 'server.mjs'))) {
    throw new Error('No production build (.next/BUILD_ID or dist/server.mjs is missing): run `npm run build` first.')
  }
  log(`machine: ${JSON.stringify(machineInfo())}`)

  const sink = await startCountingSink()
  cleanup.add(async () => sink.close())

  log('starting the production build (npm start: dist/server.mjs) on a fresh SQLite file...')
  const server = await startProductionServer('bench-email-events', { EMAIL_EVENTS_SECRET: SECRET, SMTP_URL: sink.smtpUrl, SQLITE_SYNCHRONOUS: SERVED_SYNCHRONOUS })
  cleanup.add(() => server.stop())

  process.env.SQLITE_SYNCHRONOUS = 'NORMAL'
  const payload = await localPayloadOnServerData(server)
  cleanup.add(() => payload.destroy())
  const [audienceTopic, otherTopic] = await setUpClinic(payload)

  const seedStarted = Date.now()
  await addSubscribers(payload, AUDIENCE, { prefix: 'reader', topics: [audienceTopic] })
  // The events' subscribers follow another topic only: outside the newsletter's audience.
  // A group per phase: each starts from subscribers nobody reported yet.
  const groups = { paced: Array.from({ length: ROUNDS }, (_, round) => `bounce-paced-${round + 1}`), flatOut: 'bounce-flat-out', alone: 'bounce-alone' }
  for (const prefix of [...groups.paced, groups.flatOut, groups.alone]) await addSubscribers(payload, EVENT_SUBSCRIBERS, { prefix, topics: [otherTopic] })
  log(`${AUDIENCE} audience subscribers and ${ROUNDS + 2} × ${EVENT_SUBSCRIBERS} event subscribers inserted in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`)

  const worker = startWorker({
    DATABASE_URI: server.databaseUri,
    SMTP_URL: sink.smtpUrl,
    SMTP_POOL_SIZE: String(POOL_SIZE),
    SQLITE_SYNCHRONOUS: SERVED_SYNCHRONOUS,
    NODE_ENV: 'production',
  })
  cleanup.add(async () => {
    worker.kill('SIGKILL')
    await worker.exited
  })
  await worker.ready
  log('worker ready')

  /** Non-200 answers to valid batches, sends short of their audience: the run exits 1. */
  const problems: string[] = []

  // ---- one newsletter send, measured from its scheduled instant to its last recorded delivery ----
  let sends = 0
  const send = async (label: string, during?: (sendAt: number, finished: () => boolean) => Promise<EventRun>) => {
    const subject = `Bench send ${++sends} (${label})`
    const sendAt = Date.now() + SEND_AT_DELAY_MS
    const newsletter = await payload.create({
      collection: 'newsletters',
      data: {
        subject,
        intro: richText('Gentle stretches, heat and regular massage help stiff backs through the winter months; a few minutes each morning make the difference.'),
        audience: 'topics',
        audienceTopics: [audienceTopic],
        status: 'scheduled',
        sendAt: new Date(sendAt).toISOString(),
      } as never,
    })
    let done = false
    const events = during?.(sendAt, () => done)
    for (;;) {
      await sleep(250)
      const doc = await payload.db.findOne<{ id: number; status: string }>({ collection: 'newsletters', where: { id: { equals: newsletter.id } } })
      if (doc && ['sent', 'failed'].includes(doc.status)) break
      if (Date.now() - sendAt > 10 * 60_000) throw new Error(`${subject} did not finish within 10 minutes (status ${doc?.status})`)
    }
    done = true
    const sentWhere: Where = { and: [{ newsletter: { equals: newsletter.id } }, { status: { equals: 'sent' } }] }
    const { docs: last } = await payload.db.find<{ sentAt: string }>({ collection: 'deliveries', where: sentWhere, sort: '-sentAt', limit: 1, pagination: false })
    const { totalDocs: sent } = await payload.db.count({ collection: 'deliveries', where: sentWhere })
    const seconds = last[0] ? (Date.parse(last[0].sentAt) - sendAt) / 1000 : NaN
    const received = await sink.count(subject)
    const result = { label, sent, received, seconds, rate: sent / seconds, events: await events }
    log(`${label}: ${sent} sent (sink received ${received}) in ${seconds.toFixed(1)} s = ${result.rate.toFixed(0)} msg/s`)
    if (sent !== AUDIENCE || received < AUDIENCE) problems.push(`${label}: ${sent} deliveries sent and ${received} received for an audience of ${AUDIENCE}`)
    return result
  }

  // ---- the events client ----
  const ledgerRows = async () => (await payload.db.count({ collection: 'email-events', where: {} })).totalDocs
  type EventRun = { label: string; batches: number; accepted: number; rejected: number; seconds: number; eventsPerSecond: number; batchMs: ReturnType<typeof summarise>; ledgerRows: number }
  /**
   * Signed batches of BATCH_SIZE generic events, CONNECTIONS at a time, until `maxEvents` are
   * posted, MAX_CLIENT_SECONDS have passed or `stop()` says so; with `ratePerSecond`, batch k
   * leaves no earlier than k × BATCH_SIZE / rate seconds after the start (late ones leave at
   * once). Each event has its own id (no two are duplicates); in every 100: 55 soft bounces,
   * 25 hard bounces and 3 complaints for the group's subscribers (in turn), 17 for addresses
   * nobody subscribed with.
   */
  const postEvents = async (label: string, group: string, maxEvents: number, { stop = () => false, ratePerSecond }: { stop?: () => boolean; ratePerSecond?: number } = {}): Promise<EventRun> => {
    const url = `${server.url}/api/email-events/generic`
    const eventAt = (i: number) => {
      const kind = i % 100
      const member = `${group}-${(i * 7919) % EVENT_SUBSCRIBERS}@example.com`
      const id = `${group}-${i}`
      if (kind < 55) return { id, type: 'soft_bounce', email: member, reason: '452 4.2.2 mailbox full' }
      if (kind < 80) return { id, type: 'hard_bounce', email: member, reason: '550 5.1.1 no such user' }
      if (kind < 83) return { id, type: 'complaint', email: member, reason: 'abuse' }
      return { id, type: i % 2 ? 'hard_bounce' : 'soft_bounce', email: `stranger-${i}@example.net`, reason: '550 5.1.1 no such user' }
    }
    const batchCount = Math.ceil(maxEvents / BATCH_SIZE)
    const latencies: number[] = []
    let next = 0
    let accepted = 0
    let rejected = 0
    const ledgerBefore = await ledgerRows()
    const started = performance.now()
    const deadline = Date.now() + MAX_CLIENT_SECONDS * 1000
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < batchCount && !stop() && Date.now() < deadline) {
          const index = next++
          if (ratePerSecond) await sleep(started + (index * BATCH_SIZE * 1000) / ratePerSecond - performance.now())
          if (stop()) break
          const first = index * BATCH_SIZE
          const events = Array.from({ length: Math.min(BATCH_SIZE, maxEvents - first) }, (_, k) => ({ ...eventAt(first + k), occurredAt: new Date().toISOString() }))
          const body = JSON.stringify(events)
          const t = Math.floor(Date.now() / 1000)
          const signature = `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')}`
          const posted = performance.now()
          const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Webhook-Signature': signature }, body })
          const text = await response.text()
          latencies.push(performance.now() - posted)
          if (response.status === 200) accepted += events.length
          else {
            rejected += events.length
            if (problems.length < 20) problems.push(`${label}: a valid batch of ${events.length} answered ${response.status}: ${text.slice(0, 300)}`)
          }
        }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    const run = { label, batches: latencies.length, accepted, rejected, seconds, eventsPerSecond: accepted / seconds, batchMs: summarise(latencies), ledgerRows: (await ledgerRows()) - ledgerBefore }
    log(`${label}: ${accepted} events accepted (${rejected} not) in ${latencies.length} batches, ${seconds.toFixed(1)} s = ${run.eventsPerSecond.toFixed(0)} events/s, batch p50 ${run.batchMs.p50.toFixed(0)} ms, p99 ${run.batchMs.p99.toFixed(0)} ms`)
    return run
  }

  // Warm-up: the first requests load the endpoint's modules and prepare statements.
  await postEvents('warm-up', 'warm-up-no-such-group', 10 * BATCH_SIZE)

  const duringSend = (label: string, group: string, ratePerSecond?: number) => async (sendAt: number, finished: () => boolean) => {
    await sleep(sendAt - Date.now())
    return postEvents(label, group, MAX_EVENTS_DURING_SEND, { stop: finished, ratePerSecond })
  }
  log(`baseline send to ${AUDIENCE} subscribers, no events...`)
  const baselines = [await send('baseline 1')]
  const pacedSends: Array<Awaited<ReturnType<typeof send>>> = []
  for (const [round, group] of groups.paced.entries()) {
    log(`round ${round + 1}: the same send while ${CONNECTIONS} connections post batches of ${BATCH_SIZE} events at ${PACED_RATE} events/s, then a baseline...`)
    pacedSends.push(await send(`with paced events ${round + 1}`, duringSend(`events at ${PACED_RATE}/s during send ${round + 1}`, group, PACED_RATE)))
    baselines.push(await send(`baseline ${round + 2}`))
  }
  log(`the same send while ${CONNECTIONS} connections post batches of ${BATCH_SIZE} events as fast as they are answered...`)
  const flatOut = await send('with flat-out events', duringSend('events flat out during the send', groups.flatOut))
  log(`${EVENTS_ALONE} events with no send running...`)
  const alone = await postEvents('events flat out, no send', groups.alone, EVENTS_ALONE)
  const suppressions = await payload.db.count({ collection: 'suppressions', where: {} })

  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b)
    return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : mean(sorted.slice(sorted.length / 2 - 1, sorted.length / 2 + 1))
  }
  /** Each paced send against the baselines just before and after it. */
  const pacedRatios = pacedSends.map((paced, round) => paced.rate / mean([baselines[round].rate, baselines[round + 1].rate]))
  const pacedRatio = median(pacedRatios)
  const flatOutRatio = flatOut.rate / baselines.at(-1)!.rate
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL')
  const f0 = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '-')
  const f2 = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '-')
  const eventCells = (run: EventRun) => [String(run.accepted), String(run.ledgerRows), run.seconds.toFixed(1), f0(run.eventsPerSecond), f0(run.batchMs.p50), f0(run.batchMs.p99)]
  const noEvents = ['-', '-', '-', '-', '-', '-']
  const pacedEvents = pacedSends.map((paced) => paced.events!)
  const pacedEventsPerSecond = median(pacedEvents.map((run) => run.eventsPerSecond))

  console.log('')
  console.log(
    table([
      ['measurement', 'events 200', 'ledger rows', 'seconds', 'events/s', 'batch p50 ms', 'batch p99 ms', 'send msg/s', 'send ratio'],
      ['1. baseline send 1', ...noEvents, f0(baselines[0].rate), '-'],
      ...pacedSends.flatMap((paced, round) => [
        [`2a. send + events at ${PACED_RATE}/s, round ${round + 1}`, ...eventCells(paced.events!), f0(paced.rate), f2(pacedRatios[round])],
        [`1. baseline send ${round + 2}`, ...noEvents, f0(baselines[round + 1].rate), '-'],
      ]),
      ['2b. send + events flat out', ...eventCells(flatOut.events!), f0(flatOut.rate), f2(flatOutRatio)],
      ['3. events flat out, no send', ...eventCells(alone), '-', '-'],
    ]),
  )
  console.log('')
  console.log(`${AUDIENCE} recipients per send; about 83 % of the events name a subscriber (the ledger keeps those); ${suppressions.totalDocs} suppressions in all`)
  console.log('send ratio: 2a against the mean of the baselines before and after it, 2b against the baseline before it')
  console.log(`goal: events/s during a send (2b) >= ${GOALS.eventsPerSecond}: ${f0(flatOut.events!.eventsPerSecond)} ${verdict(flatOut.events!.eventsPerSecond >= GOALS.eventsPerSecond)}`)
  console.log(`goal: events/s with no send (3)   >= ${GOALS.eventsPerSecond}: ${f0(alone.eventsPerSecond)} ${verdict(alone.eventsPerSecond >= GOALS.eventsPerSecond)}`)
  console.log(`goal: send ratio with ${PACED_RATE} events/s (2a, median of ${ROUNDS}) >= ${GOALS.sendRatio}: ${f2(pacedRatio)} ${verdict(pacedRatio >= GOALS.sendRatio)} (events/s kept: ${f0(pacedEventsPerSecond)})`)
  console.log(
    JSON.stringify(
      {
        audience: AUDIENCE,
        eventSubscribersPerPhase: EVENT_SUBSCRIBERS,
        batchSize: BATCH_SIZE,
        connections: CONNECTIONS,
        pacedRate: PACED_RATE,
        rounds: ROUNDS,
        poolSize: POOL_SIZE,
        sqliteSynchronous: SERVED_SYNCHRONOUS,
        baselineMsgPerS: baselines.map((baseline) => Math.round(baseline.rate)),
        pacedSends: pacedSends.map((paced, round) => ({ msgPerS: Math.round(paced.rate), ratio: Number(f2(pacedRatios[round])), events: paced.events })),
        pacedRatioMedian: Number(f2(pacedRatio)),
        flatOutSend: { msgPerS: Math.round(flatOut.rate), ratio: Number(f2(flatOutRatio)), events: flatOut.events },
        eventsAlone: alone,
        suppressions: suppressions.totalDocs,
        goals: GOALS,
        machine: machineInfo(),
      },
      null,
      2,
    ),
  )
  if (problems.length) {
    console.error(`\n${problems.length} problem(s):\n${problems.join('\n')}`)
    process.exitCode = 1
  }
}

await cleanup.runMain('the email events bench', main)
process.exit(process.exitCode ?? 0)
