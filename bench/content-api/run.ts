/**
 * `npm run bench:content-api`: requests/s and p50/p99 latency of the front-page GraphQL query
 * against the production build (`npm start`) with the demo content: uncached (through the
 * same server, with credentials the cache must bypass), from the response cache (POST and
 * GET), and the same response bytes served by a bare node:http server (the ceiling), all in
 * one run. See bench/content-api/README.md.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import { ROOT, seedServerDatabase, startProductionServer, type RunningServer } from '../../tests/helpers/server'
import { rawRequest } from '../lib/raw-request'
import { startStaticServer } from '../lib/static-server'
import { requireWrk, runningWrks, runWrk, type BenchRequest, type WrkOptions, type WrkResult } from '../lib/wrk'
import { createCleanup } from '../lib/cleanup'
import { machineInfo } from '../lib/machine'

const FRONT_PAGE_QUERY = `query FrontPage { Articles(limit: 10, sort: "-publishedAt") { docs { title slug excerpt heroImage { url } conditions { name slug } } } }`

// The same query with Payload's own GraphQL `select: true`: only the selected fields are read
// and computed (no jsonLd, no joins anywhere), as a minimal Payload app would answer it.
const MINIMAL_QUERY = FRONT_PAGE_QUERY.replace('Articles(limit: 10,', 'Articles(select: true, limit: 10,')

const FRONT_PAGE_REQUEST: BenchRequest = {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ query: FRONT_PAGE_QUERY }),
}

/** One thing to load: a name, the full URL wrk hits, and the request it sends. */
type Target = {
  name: string
  url: string
  request: BenchRequest
  /** The bare node:http server: every other target's req/s is divided by this one's. */
  ceiling?: boolean
  /** Payload without the cache: cached targets' req/s are divided by this one's. */
  uncached?: boolean
  /** The X-Cache header its responses must carry (checked before the load). */
  expectXCache?: 'HIT' | 'BYPASS'
}

type Context = { payloadUrl: string; bareUrl: string }

/**
 * The targets, measured in this order. To add one (e.g. a cached read path), append an entry;
 * its response is checked once before the load and its ratio to the ceiling is printed.
 */
// Uncached goes last: at 32 connections Payload is still working through a backlog of
// queued requests when wrk stops, which would slow whatever is measured next.
const targets = ({ payloadUrl, bareUrl }: Context): Target[] => [
  {
    name: 'payload cached GET',
    url: `${payloadUrl}/api/graphql?query=${encodeURIComponent(FRONT_PAGE_QUERY)}`,
    request: { method: 'GET' },
    expectXCache: 'HIT',
  },
  { name: 'payload cached POST', url: `${payloadUrl}/api/graphql`, request: FRONT_PAGE_REQUEST, expectXCache: 'HIT' },
  { name: 'bare node:http', url: `${bareUrl}/api/graphql`, request: FRONT_PAGE_REQUEST, ceiling: true },
  {
    name: 'payload uncached select:true',
    url: `${payloadUrl}/api/graphql`,
    request: { ...FRONT_PAGE_REQUEST, body: JSON.stringify({ query: MINIMAL_QUERY }), headers: { ...FRONT_PAGE_REQUEST.headers, Authorization: 'Bearer not-a-session' } },
    expectXCache: 'BYPASS',
  },
  {
    // Any Authorization header makes the cache step aside (README "Caching"); Payload finds
    // no valid token in it and answers as to anyone: the uncached read path, same bytes.
    name: 'payload uncached',
    url: `${payloadUrl}/api/graphql`,
    request: { ...FRONT_PAGE_REQUEST, headers: { ...FRONT_PAGE_REQUEST.headers, Authorization: 'Bearer not-a-session' } },
    uncached: true,
    expectXCache: 'BYPASS',
  },
]

/** BENCH_ONLY=name,name measures only those targets (the ceiling always runs: ratios stay within one run). */
const selected = (list: Target[]): Target[] => {
  const only = (process.env.BENCH_ONLY ?? '').split(',').map((name) => name.trim()).filter(Boolean)
  if (!only.length) return list
  const unknown = only.filter((name) => !list.some((target) => target.name === name))
  if (unknown.length) throw new Error(`BENCH_ONLY names no target: ${unknown.join(', ')} (targets: ${list.map((target) => target.name).join(', ')})`)
  return list.filter((target) => target.ceiling || only.includes(target.name))
}

/** What the issue asks of the cached path. */
const GOALS = { cachedOverUncached: 10, cachedP99Ms: 20 }

const seconds = (name: string, fallback: number) => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a whole number of seconds >= 1 (got "${raw}").`)
    process.exit(1)
  }
  return value
}

const WRK_OPTIONS: WrkOptions = {
  threads: 2,
  connections: 32,
  durationSeconds: seconds('BENCH_DURATION', 10),
  timeoutSeconds: 30,
}
const WARMUP_SECONDS = seconds('BENCH_WARMUP', 3)

// ---- cleanup, also on Ctrl+C (the Next server runs in its own process group) ----

const cleanup = createCleanup('the servers', () => {
  for (const child of runningWrks) child.kill('SIGTERM')
})

const log = (message: string) => console.log(`[bench] ${message}`)
const fixed = (value: number, digits: number) => value.toFixed(digits)

const main = async () => {
  if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    console.error('No production build (.next/BUILD_ID is missing): run `npm run build` first.')
    process.exit(1)
  }
  const wrkVersion = requireWrk()

  const machine = { ...machineInfo(), wrk: wrkVersion }
  log(`machine: nproc ${machine.nproc}, ${machine.cpuModel}, node ${machine.node}, ${machine.platform}`)
  log(`load average before the run: ${machine.loadAverage.join(' ')}`)

  log('starting the production build (npm start: dist/server.mjs) on a fresh SQLite file...')
  let server: RunningServer
  try {
    server = await startProductionServer('bench')
  } catch (error) {
    throw new Error(`The production server did not start: ${(error as Error).message}`)
  }
  cleanup.add(() => server.stop())
  log(`server up at ${server.url}; seeding the demo content (npm run seed)...`)
  await seedServerDatabase(server)

  // The reference response: exactly the bytes wrk will get (raw HTTP, no compression).
  const reference = await rawRequest(`${server.url}/api/graphql`, FRONT_PAGE_REQUEST)
  let json: any
  try {
    json = JSON.parse(reference.body.toString('utf8'))
  } catch {
    json = undefined
  }
  const docs = json?.data?.Articles?.docs
  if (reference.status !== 200 || json?.errors || !Array.isArray(docs) || docs.length !== 10) {
    throw new Error(
      `The front-page query must answer 200 with 10 articles; got ${reference.status}:\n` +
        reference.body.toString('utf8').slice(0, 2000) +
        `\n--- server output ---\n${server.output().slice(-4000)}`,
    )
  }
  const contentType = String(reference.headers['content-type'] ?? 'application/json')
  const response = {
    bytes: reference.body.length,
    contentType,
    contentEncoding: reference.headers['content-encoding'] ?? null,
    sha256: createHash('sha256').update(reference.body).digest('hex'),
    articles: docs.length,
  }
  log(`front-page response: 200, ${response.bytes} bytes, ${contentType}, ${docs.length} articles`)

  const bare = await startStaticServer(reference.body, contentType)
  cleanup.add(() => bare.close())
  log(`bare node:http server at ${bare.url}`)

  const list = selected(targets({ payloadUrl: server.url, bareUrl: bare.url }))
  const results: Array<{ target: Target; sameBytes: boolean; result: WrkResult }> = []
  for (const target of list) {
    // Twice: the first may be the miss that fills the cache.
    await rawRequest(target.url, target.request)
    const check = await rawRequest(target.url, target.request)
    if (check.status < 200 || check.status > 299) {
      throw new Error(`${target.name}: ${target.url} answered ${check.status}:\n${check.body.toString('utf8').slice(0, 2000)}`)
    }
    if (target.expectXCache && check.headers['x-cache'] !== target.expectXCache) {
      throw new Error(`${target.name}: expected X-Cache ${target.expectXCache}, got ${check.headers['x-cache']}`)
    }
    const sameBytes = check.body.equals(reference.body)
    if (!sameBytes) log(`WARNING: ${target.name} answers ${check.body.length} bytes that differ from the reference response`)
    log(`${target.name}: warm-up ${WARMUP_SECONDS}s...`)
    await runWrk(target.url, target.request, { ...WRK_OPTIONS, durationSeconds: WARMUP_SECONDS })
    log(`${target.name}: measuring ${WRK_OPTIONS.durationSeconds}s at ${WRK_OPTIONS.connections} connections...`)
    const result = await runWrk(target.url, target.request, WRK_OPTIONS)
    log(`${target.name}: ${fixed(result.requestsPerSecond, 1)} req/s`)
    results.push({ target, sameBytes, result })
  }

  const ceiling = results.find((entry) => entry.target.ceiling)
  if (!ceiling) throw new Error('No ceiling target in the list')
  const uncached = results.find((entry) => entry.target.uncached)
  const rows = results.map(({ target, sameBytes, result }) => {
    const socketErrors = Object.values(result.socketErrors).reduce((sum, count) => sum + count, 0)
    return {
      name: target.name,
      url: target.url,
      method: target.request.method,
      ceiling: Boolean(target.ceiling),
      sameBytesAsReference: sameBytes,
      requests: result.requests,
      durationSeconds: result.durationSeconds,
      requestsPerSecond: result.requestsPerSecond,
      latencyMs: result.latencyMs,
      transferBytesPerSecond: Math.round(result.bytesPerSecond),
      // Headers included, from wrk's rounded Transfer/sec: a sanity check, not a measurement.
      approxBytesPerResponse: Math.round(result.bytesPerSecond / result.requestsPerSecond),
      non2xx3xx: result.non2xx3xx,
      socketErrors: { ...result.socketErrors, total: socketErrors },
      ratioToCeiling: Number((result.requestsPerSecond / ceiling.result.requestsPerSecond).toFixed(5)),
      ratioToUncached: uncached ? Number((result.requestsPerSecond / uncached.result.requestsPerSecond).toFixed(3)) : null,
      cached: target.expectXCache === 'HIT',
    }
  })

  const header = ['target', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx/3xx', 'socket errors', 'vs uncached', 'req/s vs ceiling']
  const table = [
    header,
    ...rows.map((row) => [
      row.name,
      fixed(row.requestsPerSecond, 1),
      fixed(row.latencyMs.p50, 2),
      fixed(row.latencyMs.p99, 2),
      String(row.non2xx3xx),
      String(row.socketErrors.total),
      row.ratioToUncached === null ? '-' : `${fixed(row.ratioToUncached, 1)}x`,
      row.ceiling ? '1 (ceiling)' : `${fixed(row.ratioToCeiling, 4)} (${fixed(row.ratioToCeiling * 100, 2)}%)`,
    ]),
  ]
  const widths = header.map((_, column) => Math.max(...table.map((line) => line[column].length)))
  const format = (line: string[]) =>
    line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')

  console.log('')
  console.log(
    `content-api: front-page GraphQL query, wrk -t${WRK_OPTIONS.threads} -c${WRK_OPTIONS.connections} ` +
      `-d${WRK_OPTIONS.durationSeconds}s (after a ${WARMUP_SECONDS}s warm-up per target)`,
  )
  console.log(`machine: nproc ${machine.nproc} (${machine.cpuModel}), node ${machine.node}, ${machine.wrk}`)
  console.log(`response: ${response.bytes} bytes, ${response.contentType}, ${response.articles} articles`)
  console.log('')
  console.log(format(table[0]))
  console.log(widths.map((width) => '-'.repeat(width)).join('  '))
  for (const line of table.slice(1)) console.log(format(line))
  console.log('')
  for (const row of rows.filter((entry) => !entry.ceiling)) {
    console.log(
      `ratio ${row.name} / ${ceiling.target.name}: ${fixed(row.ratioToCeiling, 4)} ` +
        `(the ceiling serves ${fixed(1 / row.ratioToCeiling, 1)}x as many requests/s)`,
    )
  }

  const goals = rows
    .filter((row) => row.cached)
    .map((row) => ({
      target: row.name,
      cachedOverUncached: row.ratioToUncached,
      meetsThroughputGoal: row.ratioToUncached !== null && row.ratioToUncached >= GOALS.cachedOverUncached,
      p99Ms: row.latencyMs.p99,
      meetsLatencyGoal: row.latencyMs.p99 <= GOALS.cachedP99Ms,
    }))
  for (const goal of goals) {
    console.log(
      `goal ${goal.target}: ${fixed(goal.cachedOverUncached ?? 0, 1)}x uncached (goal >= ${GOALS.cachedOverUncached}x: ` +
        `${goal.meetsThroughputGoal ? 'met' : 'NOT met'}), p99 ${fixed(goal.p99Ms, 2)} ms ` +
        `(goal <= ${GOALS.cachedP99Ms} ms: ${goal.meetsLatencyGoal ? 'met' : 'NOT met'})`,
    )
  }

  // Responses smaller than the reference body mean wrk was not getting the front page.
  const tooSmall = (row: (typeof rows)[number]) => row.sameBytesAsReference && row.approxBytesPerResponse < response.bytes * 0.98
  const problems = rows.filter((row) => row.non2xx3xx > 0 || row.socketErrors.total > 0 || tooSmall(row))
  for (const row of problems) {
    console.log(
      `WARNING: ${row.name} had ${row.non2xx3xx} non-2xx/3xx responses, ${row.socketErrors.total} socket errors, ` +
        `~${row.approxBytesPerResponse} bytes per response (reference body: ${response.bytes})`,
    )
  }

  const timestamp = new Date().toISOString()
  const report = {
    benchmark: 'content-api',
    timestamp,
    machine,
    settings: { ...WRK_OPTIONS, warmupSeconds: WARMUP_SECONDS },
    query: FRONT_PAGE_QUERY,
    response,
    targets: rows,
    goals,
  }
  const resultsDir = path.join(ROOT, 'bench', 'results')
  fs.mkdirSync(resultsDir, { recursive: true })
  const file = path.join(resultsDir, `content-api-${timestamp.replace(/[:.]/g, '-')}.json`)
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n')
  console.log('')
  console.log(JSON.stringify(report, null, 2))
  console.log('')
  console.log(`results written to ${path.relative(ROOT, file)}`)
  if (problems.length) process.exitCode = 1
}

await cleanup.runMain('bench:content-api', main)
