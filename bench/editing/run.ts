/**
 * `npm run bench:editing`: does the anonymous response cache stay fast while the clinic edits?
 * (issue 15). Starts `npm start` on a fresh SQLite file, loads the demo content, adds
 * BENCH_ARTICLES (default 300) generated published articles with conditions and images, then
 * loads anonymous by-slug page reads of every published article, condition and service at
 * depth 0, 1 and 2 (wrk, 32 connections, 127.0.0.1) twice: quiet, then while one editor
 * autosaves a draft every 800 ms and another publishes a different article every 10 s (both
 * over HTTP, as the admin does). Prints both runs, the ratio editing/quiet (goal >= 0.8), p99
 * (goal <= 20 ms) and, per publish, how long until an anonymous read showed it.
 */
import fs from 'node:fs'
import path from 'node:path'

import { richText } from '../../tests/helpers/fixtures'
import { parseMetrics, sampleValue, scrape } from '../../tests/helpers/prometheus'
import { httpApi, localPayloadOnServerData, ROOT, seedServerDatabase, startProductionServer } from '../../tests/helpers/server'
import { createCleanup } from '../lib/cleanup'
import { positiveIntFromEnv } from '../lib/env'
import { machineInfo } from '../lib/machine'
import { requireWrk, runningWrks, runWrk, type WrkOptions, type WrkResult } from '../lib/wrk'

const GOALS = { editingOverQuiet: 0.8, p99Ms: 20 }
const ARTICLES = positiveIntFromEnv('BENCH_ARTICLES', 300)
const WRK_OPTIONS: WrkOptions = { threads: 2, connections: 32, durationSeconds: positiveIntFromEnv('BENCH_DURATION', 20), timeoutSeconds: 30 }
const WARMUP_SECONDS = positiveIntFromEnv('BENCH_WARMUP', 20)
const AUTOSAVE_MS = 800
const PUBLISH_MS = 10_000
const PAGE_COLLECTIONS = ['articles', 'conditions', 'services'] as const

const log = (message: string) => console.log(`[bench] ${message}`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const cleanup = createCleanup('the server', () => {
  for (const child of runningWrks) child.kill('SIGTERM')
})

const main = async () => {
  if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) throw new Error('No production build (.next/BUILD_ID): run `npm run build` first.')
  const machine = { ...machineInfo(), wrk: requireWrk() }
  log(`machine: nproc ${machine.nproc}, ${machine.cpuModel}, load ${machine.loadAverage.join(' ')}`)
  // The server's metrics say how many cached entries each publish dropped.
  process.env.METRICS_TOKEN ??= 'bench-editing-metrics-token-0123456789'
  const server = await startProductionServer('bench-editing')
  const metric = async (name: string) => sampleValue(parseMetrics((await scrape(`${server.url}/api/metrics`, process.env.METRICS_TOKEN)).text), name) ?? NaN
  const droppedEntries = () => metric('clinic_content_cache_dropped_total')
  // prom-client resets its event-loop delay monitor on every scrape: a scrape before a phase
  // starts it afresh, the one after gives that phase's worst delay (what a cache hit waits
  // behind while Payload works on the same event loop).
  const eventLoopDelayMaxMs = async () => (await metric('nodejs_eventloop_lag_max_seconds')) * 1000
  cleanup.add(() => server.stop())
  log(`server at ${server.url}; seeding the demo content...`)
  await seedServerDatabase(server)
  const password = 'a-long-and-memorable-passphrase'
  const registered = await httpApi(server.url, 'POST', '/users/first-register', {
    body: { email: 'bench@clinic.test', password, 'confirm-password': password },
  })
  if (registered.status !== 200) throw new Error(`first-register answered ${registered.status}: ${registered.text}`)
  const token: string = registered.json.token

  // Generated articles through the Local API on the same file (faster than HTTP, same rows).
  const payload = await localPayloadOnServerData(server)
  cleanup.add(() => payload.destroy())
  const conditions = (await payload.find({ collection: 'conditions', limit: 100, depth: 0, overrideAccess: true })).docs.map((doc) => doc.id)
  const media = (await payload.find({ collection: 'media', limit: 100, depth: 0, overrideAccess: true })).docs.map((doc) => doc.id)
  log(`creating ${ARTICLES} published articles (${conditions.length} conditions, ${media.length} images to link)...`)
  for (let index = 0; index < ARTICLES; index++) {
    await payload.create({
      collection: 'articles',
      overrideAccess: true,
      context: { disableWebhooks: true },
      data: {
        _status: 'published',
        title: `Generated article ${index}`,
        slug: `generated-article-${index}`,
        excerpt: `Excerpt of generated article ${index}.`,
        content: richText(`Body of generated article ${index}. `.repeat(20)),
        heroImage: media.length ? media[index % media.length] : undefined,
        conditions: conditions.length ? [conditions[index % conditions.length], conditions[(index + 3) % conditions.length]] : [],
      } as never,
    })
  }

  // Every published page, by slug, at depth 0-2: what front ends ask.
  const paths: string[] = []
  const articleIds: Array<number | string> = []
  for (const collection of PAGE_COLLECTIONS) {
    const { docs } = await payload.find({ collection, where: { _status: { equals: 'published' } }, limit: 0, pagination: false, depth: 0, overrideAccess: true })
    for (const doc of docs as Array<{ id: number | string; slug?: string }>) {
      if (collection === 'articles') articleIds.push(doc.id)
      for (const depth of [0, 1, 2]) paths.push(`/api/${collection}?where[slug][equals]=${encodeURIComponent(String(doc.slug))}&depth=${depth}`)
    }
  }
  log(`${paths.length} distinct page queries over ${paths.length / 3} published documents`)
  const request = { method: 'GET' as const, paths }
  const target = `${server.url}/api/articles`

  log(`warm-up ${WARMUP_SECONDS}s (fills the cache)...`)
  await runWrk(target, request, { ...WRK_OPTIONS, durationSeconds: WARMUP_SECONDS })
  log(`quiet: ${WRK_OPTIONS.durationSeconds}s...`)
  await eventLoopDelayMaxMs()
  const quiet = await runWrk(target, request, WRK_OPTIONS)
  const quietDelayMs = await eventLoopDelayMaxMs()
  log(`quiet: ${quiet.requestsPerSecond.toFixed(1)} req/s, p99 ${quiet.latencyMs.p99} ms`)

  // Editor 1 autosaves one article; editor 2 publishes the others in turn (never the autosaved one).
  let editing = true
  const autosaved = articleIds[0]
  const errors: string[] = []
  const autosaver = (async () => {
    for (let round = 0; editing; round++) {
      const saved = await httpApi(server.url, 'PATCH', `/articles/${autosaved}?draft=true&autosave=true`, { token, body: { title: `Typing ${round}` } })
      if (saved.status !== 200) errors.push(`autosave ${saved.status}`)
      await sleep(AUTOSAVE_MS)
    }
  })()
  const freshnessMs: number[] = []
  const droppedPerPublish: number[] = []
  const publisher = (async () => {
    for (let round = 1; editing; round++) {
      await sleep(PUBLISH_MS / 2)
      if (!editing) break
      const id = articleIds[1 + (round % (articleIds.length - 1))]
      const title = `Published edit ${round}`
      const droppedBefore = await droppedEntries()
      const published = await httpApi(server.url, 'PATCH', `/articles/${id}`, { token, body: { title, _status: 'published' } })
      const publishedAt = Date.now()
      if (published.status !== 200) errors.push(`publish ${published.status}`)
      const slug = published.json?.doc?.slug
      // Freshness: how long until an anonymous read of its page shows the new title.
      for (;;) {
        const read = await httpApi(server.url, 'GET', `/articles?where[slug][equals]=${encodeURIComponent(slug)}&depth=1`)
        if (read.json?.docs?.[0]?.title === title) break
        if (Date.now() - publishedAt > 5000) {
          errors.push(`publish ${round}: not visible after 5 s`)
          break
        }
        await sleep(5)
      }
      freshnessMs.push(Date.now() - publishedAt)
      droppedPerPublish.push((await droppedEntries()) - droppedBefore)
      await sleep(PUBLISH_MS / 2)
    }
  })()
  log(`editing: ${WRK_OPTIONS.durationSeconds}s with an autosave every ${AUTOSAVE_MS} ms and a publish every ${PUBLISH_MS / 1000} s...`)
  const busy = await runWrk(target, request, WRK_OPTIONS)
  const editingDelayMs = await eventLoopDelayMaxMs()
  editing = false
  await Promise.all([autosaver, publisher])

  const row = (name: string, result: WrkResult) =>
    `${name.padEnd(8)} ${result.requestsPerSecond.toFixed(1).padStart(10)} req/s  p50 ${result.latencyMs.p50.toFixed(2)} ms  p99 ${result.latencyMs.p99.toFixed(2)} ms  ` +
    `non-2xx ${result.non2xx3xx}  socket errors ${Object.values(result.socketErrors).reduce((a, b) => a + b, 0)}`
  const ratio = busy.requestsPerSecond / quiet.requestsPerSecond
  console.log('')
  console.log(`editing: ${paths.length} page queries, wrk -t${WRK_OPTIONS.threads} -c${WRK_OPTIONS.connections} -d${WRK_OPTIONS.durationSeconds}s per phase`)
  console.log(row('quiet', quiet))
  console.log(row('editing', busy))
  console.log(`ratio editing/quiet: ${ratio.toFixed(3)} (goal >= ${GOALS.editingOverQuiet}: ${ratio >= GOALS.editingOverQuiet ? 'met' : 'NOT met'})`)
  console.log(`p99 while editing: ${busy.latencyMs.p99} ms (goal <= ${GOALS.p99Ms} ms: ${busy.latencyMs.p99 <= GOALS.p99Ms ? 'met' : 'NOT met'})`)
  console.log(`freshness after each publish (ms until an anonymous read showed it): ${freshnessMs.join(', ') || 'none'}`)
  console.log(`worst event-loop delay of the server process: quiet ${quietDelayMs.toFixed(1)} ms, editing ${editingDelayMs.toFixed(1)} ms`)
  console.log(`cached entries each publish dropped (of ${paths.length}): ${droppedPerPublish.join(', ') || 'none'}`)
  if (errors.length) console.log(`WARNING: ${errors.join('; ')}`)
  const timestamp = new Date().toISOString()
  const strip = ({ raw: _raw, ...result }: WrkResult) => result
  const report = { benchmark: 'editing', timestamp, machine, settings: { ...WRK_OPTIONS, warmupSeconds: WARMUP_SECONDS, articles: ARTICLES }, queries: paths.length, quiet: strip(quiet), editing: strip(busy), ratio, freshnessMs, droppedPerPublish, eventLoopDelayMaxMs: { quiet: quietDelayMs, editing: editingDelayMs }, errors }
  const dir = path.join(ROOT, 'bench', 'results')
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `editing-${timestamp.replace(/[:.]/g, '-')}.json`)
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n')
  console.log(`results written to ${path.relative(ROOT, file)}`)
  if (errors.length || quiet.non2xx3xx || busy.non2xx3xx) process.exitCode = 1
}

await cleanup.runMain('bench:editing', main)
