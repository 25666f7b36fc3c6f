/**
 * `npm run bench:search`: search latency and freshness against the production build (`npm start`):
 * the demo content plus 1,000 generated published documents; p50/p99 of the 20 representative
 * queries (content.ts) at 8 connections, next to two baselines measured in the same run on the same
 * server: a response-cache hit (GET /api/globals/clinic: HTTP in front of Next, the way the search is
 * answered since it moved there, src/server/searchRoute.ts) and GET /api/health/live (HTTP, Next and
 * Payload's request set-up, no work: the way it was answered before); how long the server's
 * index takes to take in the import; a full index build; how long a publish and an unpublish made by another process (this one, on the
 * server's database) take to show in the server's answers; and the two engines compared on the
 * same entries (engines.ts). Goals (issue 18): p99 ≤ 10 ms uncached, fresh ≤ 1 s.
 *
 * BENCH_DURATION (seconds, default 10), BENCH_DOCUMENTS (default 1000).
 */
import fs from 'node:fs'
import path from 'node:path'

import { PUBLISHED_CONTENT_COLLECTIONS } from '../../collections/shared/publishedContentSlugs'
import { localPayloadOnServerData, ROOT, seedServerDatabase, startProductionServer, type RunningServer } from '../../tests/helpers/server'
import { createCleanup } from '../lib/cleanup'
import { positiveIntFromEnv } from '../lib/env'
import { machineInfo } from '../lib/machine'
import { percentile } from '../lib/stats'
import { generateDocuments, QUERIES, richTextOf } from './content'
import { compareEngines } from './engines'
import { runLoad } from './load'

const DURATION_MS = positiveIntFromEnv('BENCH_DURATION', 10) * 1000
const DOCUMENTS = positiveIntFromEnv('BENCH_DOCUMENTS', 1000)
const CONNECTIONS = 8
const FRESHNESS_ROUNDS = 10
/** A change counts as visible once this many answers in a row show it (the warm spare, if it takes over, has its own index). */
const CONSECUTIVE = 5
const GOALS = { p99Ms: 10, freshMs: 1000 }

const cleanup = createCleanup('the server')
const log = (message: string) => console.log(`[bench] ${message}`)
const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '-')

/** The server's log without colours (pretty-printed or JSON, one field per line or not). */
const serverLog = (server: RunningServer) => server.output().replace(/\x1b\[[0-9;]*m/g, '')

/** The server's own measure of freshness: how long after each logged change its index took it in (search.refreshed). */
const refreshLags = (server: RunningServer) =>
  [...serverLog(server).matchAll(/search\.refreshed[\s\S]{0,200}?lagMs\W+(-?\d+)/g)].map((match) => Number(match[1]))

const searchPath = (q: string) => `/api/search?q=${encodeURIComponent(q)}&limit=10`

const main = async () => {
  if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    console.error('No production build (.next/BUILD_ID is missing): run `npm run build` first.')
    process.exit(1)
  }
  const machine = machineInfo()
  log(`machine: nproc ${machine.nproc}, ${machine.cpuModel}, node ${machine.node}; load average ${machine.loadAverage.join(' ')}`)
  log('starting the production build on a fresh SQLite file...')
  const server: RunningServer = await startProductionServer('bench-search')
  cleanup.add(() => server.stop())
  log(`server up at ${server.url}; seeding the demo content (npm run seed)...`)
  await seedServerDatabase(server)

  // This process writes as "another process": the Local API on the server's database.
  const payload = await localPayloadOnServerData(server)
  cleanup.add(() => payload.destroy())
  log(`creating ${DOCUMENTS} generated published documents...`)
  let started = performance.now()
  // Each one a change like an editor's (change log, token): the server, whose index was built at start, takes each in.
  // A last marker document: once it is found, the server has taken in every document before it.
  const generated = [
    ...generateDocuments(DOCUMENTS),
    { collection: 'articles' as const, data: { _status: 'published', title: 'Bulk import marker quetzalcoatl', slug: 'bench-marker', content: richTextOf(['Marker.']) } },
  ]
  for (const { collection, data } of generated) await payload.create({ collection, data: data as never, context: { disableWebhooks: true } })
  const createdMs = performance.now() - started
  const markerSince = performance.now()
  while (!((await (await fetch(`${server.url}${searchPath('quetzalcoatl')}`)).json()) as { total: number }).total) {
    if (performance.now() - markerSince > 60_000) throw new Error(`the server's index never took in the import\n${serverLog(server).slice(-3000)}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  log(`  created in ${fixed(createdMs / 1000, 1)} s; searchable ${fixed(performance.now() - markerSince, 0)} ms after the last one`)
  const builtDocuments = (await Promise.all(PUBLISHED_CONTENT_COLLECTIONS.map((collection) => payload.count({ collection, overrideAccess: false })))).reduce(
    (sum, { totalDocs }) => sum + totalDocs,
    0,
  )

  // A full build, as a server does at start (SearchService.rebuild: the Local API reads and the index), here in this process on the same data.
  const { SearchService } = await import('../../src/search/service')
  const fullBuild = new SearchService(payload)
  started = performance.now()
  await fullBuild.ready()
  const builtMs = performance.now() - started
  fullBuild.stop()
  log(`  a full build (reads + index) of ${builtDocuments} documents: ${fixed(builtMs, 0)} ms`)
  const first = await fetch(`${server.url}${searchPath('frozen shoulder')}`)
  if (first.status !== 200) throw new Error(`the first search answered ${first.status}\n${serverLog(server).slice(-3000)}`)
  if (first.headers.get('x-cache') !== 'BYPASS') log(`WARNING: X-Cache is ${first.headers.get('x-cache')}, expected BYPASS (uncached)`)

  const paths = QUERIES.map(({ q }) => searchPath(q))
  for (const p of paths) {
    const response = await fetch(`${server.url}${p}`)
    if (response.status !== 200) throw new Error(`${p} answered ${response.status}`)
  }
  log(`warm-up 3 s, then ${DURATION_MS / 1000} s per target at ${CONNECTIONS} connections...`)
  await runLoad(server.url, paths, { connections: CONNECTIONS, durationMs: 3000 })
  const hit = await fetch(`${server.url}/api/globals/clinic?depth=0`)
  await hit.arrayBuffer()
  if ((await fetch(`${server.url}/api/globals/clinic?depth=0`)).headers.get('x-cache') !== 'HIT') log('WARNING: the clinic global is not a cache HIT')
  const hitBaseline = await runLoad(server.url, ['/api/globals/clinic?depth=0'], { connections: CONNECTIONS, durationMs: DURATION_MS })
  const baseline = await runLoad(server.url, ['/api/health/live'], { connections: CONNECTIONS, durationMs: DURATION_MS })
  const search = await runLoad(server.url, paths, { connections: CONNECTIONS, durationMs: DURATION_MS })

  log(`freshness: ${FRESHNESS_ROUNDS} publishes and unpublishes from this process...`)
  const visibleAfter = async (q: string, shows: (body: { results: Array<{ title: string }> }) => boolean) => {
    const since = performance.now()
    let streak = 0
    let firstSeen = NaN
    while (performance.now() - since < 30_000) {
      const body = (await (await fetch(`${server.url}${searchPath(q)}`)).json()) as { results: Array<{ title: string }> }
      if (shows(body)) {
        if (streak === 0) firstSeen = performance.now() - since
        if (++streak >= CONSECUTIVE) return firstSeen
      } else streak = 0
    }
    return Infinity
  }
  const publishMs: number[] = []
  const unpublishMs: number[] = []
  for (let round = 0; round < FRESHNESS_ROUNDS; round += 1) {
    const word = `zebrafinch${round}x`
    const title = `Bench freshness ${word}`
    const doc = await payload.create({
      collection: 'articles',
      data: { _status: 'published', title, slug: `bench-fresh-${round}`, content: richTextOf([`About ${word}.`]) } as never,
      context: { disableWebhooks: true },
    })
    publishMs.push(await visibleAfter(word, (body) => body.results.some((hit) => hit.title === title)))
    await payload.update({ collection: 'articles', id: doc.id, data: { _status: 'draft' } as never, context: { disableWebhooks: true } })
    unpublishMs.push(await visibleAfter(word, (body) => !body.results.some((hit) => hit.title === title)))
  }

  const lags = refreshLags(server).sort((a, b) => a - b)
  log('engines on the same entries (in this process)...')
  const { toSearchEntry, SEARCH_SOURCES } = await import('../../src/search/sources')
  const entries = []
  for (const collection of PUBLISHED_CONTENT_COLLECTIONS) {
    const { docs } = await payload.find({ collection, select: SEARCH_SOURCES[collection].select as never, depth: 0, pagination: false, overrideAccess: false })
    entries.push(...docs.map((doc) => toSearchEntry(collection, doc as Record<string, any>)))
  }
  const engines = await compareEngines(entries)

  const sortedPublish = [...publishMs].sort((a, b) => a - b)
  const sortedUnpublish = [...unpublishMs].sort((a, b) => a - b)
  console.log('')
  console.log(`search over ${builtDocuments} published documents (demo + ${DOCUMENTS} generated), ${CONNECTIONS} connections, ${DURATION_MS / 1000} s, uncached (X-Cache: BYPASS)`)
  console.table([
    {
      target: 'baseline: cache HIT GET /api/globals/clinic',
      'req/s': fixed(hitBaseline.requestsPerSecond, 0),
      'p50 ms': fixed(hitBaseline.p50),
      'p99 ms': fixed(hitBaseline.p99),
      'max ms': fixed(hitBaseline.max),
      errors: hitBaseline.errors,
    },
    { target: 'baseline GET /api/health/live (Next)', 'req/s': fixed(baseline.requestsPerSecond, 0), 'p50 ms': fixed(baseline.p50), 'p99 ms': fixed(baseline.p99), 'max ms': fixed(baseline.max), errors: baseline.errors },
    { target: 'GET /api/search (20 queries)', 'req/s': fixed(search.requestsPerSecond, 0), 'p50 ms': fixed(search.p50), 'p99 ms': fixed(search.p99), 'max ms': fixed(search.max), errors: search.errors },
  ])
  console.log(
    `search / cache hit: p50 ×${fixed(search.p50 / hitBaseline.p50)}, p99 ×${fixed(search.p99 / hitBaseline.p99)}, req/s ×${fixed(search.requestsPerSecond / hitBaseline.requestsPerSecond)}; ` +
      `search / Next no-op: p50 ×${fixed(search.p50 / baseline.p50)}, p99 ×${fixed(search.p99 / baseline.p99)}, req/s ×${fixed(search.requestsPerSecond / baseline.requestsPerSecond)}`,
  )
  console.log(`search p99 above the cache hit's (the search's own cost under load, both in front of Next): ${fixed(search.p99 - hitBaseline.p99)} ms`)
  console.log(`full index build (Local API reads + MiniSearch), as at server start: ${fixed(builtMs, 0)} ms`)
  console.log(
    `fresh after a publish in another process: p50 ${fixed(percentile(sortedPublish, 50), 0)} ms, max ${fixed(sortedPublish.at(-1)!, 0)} ms; ` +
      `after an unpublish: p50 ${fixed(percentile(sortedUnpublish, 50), 0)} ms, max ${fixed(sortedUnpublish.at(-1)!, 0)} ms (first of ${CONSECUTIVE} answers in a row)`,
  )
  console.log(
    `server side (search.refreshed): the index took in each change p50 ${fixed(percentile(lags, 50), 0)} ms, max ${fixed(lags.at(-1) ?? NaN, 0)} ms ` +
      `after it was logged (${lags.length} refreshes)`,
  )
  console.table(engines.map((figures) => ({ ...figures, buildMs: fixed(figures.buildMs, 0), p50Ms: fixed(figures.p50Ms, 3), p99Ms: fixed(figures.p99Ms, 3) })))
  const freshMax = Math.max(...publishMs, ...unpublishMs)
  console.log(`goals: p99 ≤ ${GOALS.p99Ms} ms uncached: ${search.p99 <= GOALS.p99Ms ? 'met' : 'NOT met'} (${fixed(search.p99)} ms); fresh ≤ ${GOALS.freshMs} ms: ${freshMax <= GOALS.freshMs ? 'met' : 'NOT met'} (max ${fixed(freshMax, 0)} ms)`)
  console.log(`load average after the run: ${machineInfo().loadAverage.join(' ')}`)
}

void cleanup.runMain('bench:search', main)
