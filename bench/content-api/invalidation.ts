/**
 * `npm run bench:invalidation`: how long after a publish made by another process anonymous
 * readers can still get the old content from the production server's response cache.
 *
 * Starts `npm start` on a fresh SQLite file, creates a published article, then, from this
 * process (the Local API on the same file: "another process" to the server), publishes a new
 * title BENCH_PUBLISHES times (default 100) while two anonymous readers (REST and GraphQL GET)
 * poll it back to back. Per publish, from the moment the publish call returned:
 * - window: when the last read that still got the old title had started (0 if none started
 *   after the publish): the time a new read could still be stale. Contract: <= 250 ms.
 * - first fresh: when the first read that got the new title had started.
 * Prints max, p50 and p99 of both, writes bench/results/invalidation-<timestamp>.json.
 */
import fs from 'node:fs'
import path from 'node:path'

import { richText } from '../../tests/helpers/fixtures'
import { httpApi, localPayloadOnServerData, ROOT, startProductionServer } from '../../tests/helpers/server'
import { createCleanup } from '../lib/cleanup'
import { machineInfo } from '../lib/machine'

const CONTRACT_MS = 250
const log = (message: string) => console.log(`[bench] ${message}`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const publishes = (() => {
  const raw = process.env.BENCH_PUBLISHES
  const value = raw ? Number(raw) : 100
  if (!Number.isInteger(value) || value < 1) {
    console.error(`BENCH_PUBLISHES must be a whole number >= 1 (got "${raw}").`)
    process.exit(1)
  }
  return value
})()

const cleanup = createCleanup('the server')

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
const summary = (values: number[]) => ({
  max: Math.max(...values),
  p50: percentile(values, 50),
  p99: percentile(values, 99),
  min: Math.min(...values),
})

const main = async () => {
  const machine = machineInfo()
  log(`machine: nproc ${machine.nproc}, ${machine.cpuModel}, node ${machine.node}; load ${machine.loadAverage.join(' ')}`)
  log('starting the production build (npm start) on a fresh SQLite file...')
  const server = await startProductionServer('invalidation')
  cleanup.add(() => server.stop())
  const registered = await httpApi(server.url, 'POST', '/users/first-register', {
    body: { email: 'owner@clinic.test', password: 'a-long-bench-passphrase', 'confirm-password': 'a-long-bench-passphrase' },
  })
  if (registered.status !== 200) throw new Error(`first-register answered ${registered.status}: ${registered.text}`)
  const created = await httpApi(server.url, 'POST', '/articles', {
    token: registered.json.token,
    body: { _status: 'published', title: 'Version 0', slug: 'invalidation-bench', content: richText('Body.') },
  })
  if (created.status !== 201) throw new Error(`creating the article answered ${created.status}: ${created.text}`)
  const id: number = created.json.doc.id

  // The publisher: this process, through the Local API, on the server's database file.
  const payload = await localPayloadOnServerData(server)
  cleanup.add(() => payload.destroy())

  const restRead = async () => {
    const response = await fetch(`${server.url}/api/articles/${id}?depth=0`)
    return { title: ((await response.json()) as { title?: string }).title, xCache: response.headers.get('x-cache') }
  }
  const graphqlUrl = `${server.url}/api/graphql?query=${encodeURIComponent(`{ Article(id: ${id}) { title } }`)}`
  const graphqlRead = async () => {
    const response = await fetch(graphqlUrl)
    return { title: ((await response.json()) as any)?.data?.Article?.title as string | undefined, xCache: response.headers.get('x-cache') }
  }

  type Read = { startedAt: number; title?: string; xCache: string | null }
  const rounds: Array<{ windowMs: number; firstFreshMs: number; reads: number; hitsBefore: number; staleAfterContract: number }> = []
  log(`${publishes} publishes, each read back by 2 anonymous readers polling back to back...`)
  for (let round = 1; round <= publishes; round++) {
    const title = `Version ${round}`
    let stopAt = Number.POSITIVE_INFINITY
    const reads: Read[] = []
    const reader = async (read: () => Promise<Omit<Read, 'startedAt'>>) => {
      while (Date.now() < stopAt) {
        const startedAt = Date.now()
        reads.push({ startedAt, ...(await read()) })
      }
    }
    const readers = Promise.all([reader(restRead), reader(graphqlRead)])
    await sleep(60 + Math.random() * 60)
    await payload.update({ collection: 'articles', id, data: { title, _status: 'published' }, overrideAccess: true })
    const publishedAt = Date.now()
    stopAt = publishedAt + CONTRACT_MS + 250
    await readers
    const after = reads.filter((read) => read.startedAt >= publishedAt)
    const stale = after.filter((read) => read.title !== title)
    const fresh = after.find((read) => read.title === title)
    if (!fresh) throw new Error(`publish ${round}: no reader saw "${title}" within ${CONTRACT_MS + 250} ms`)
    rounds.push({
      windowMs: stale.length ? Math.max(...stale.map((read) => read.startedAt - publishedAt)) : 0,
      firstFreshMs: fresh.startedAt - publishedAt,
      reads: reads.length,
      hitsBefore: reads.filter((read) => read.startedAt < publishedAt && read.xCache === 'HIT').length,
      staleAfterContract: stale.filter((read) => read.startedAt > publishedAt + CONTRACT_MS).length,
    })
    if (round % 20 === 0) log(`${round}/${publishes} done`)
  }

  const window = summary(rounds.map((round) => round.windowMs))
  const firstFresh = summary(rounds.map((round) => round.firstFreshMs))
  const staleAfterContract = rounds.reduce((sum, round) => sum + round.staleAfterContract, 0)
  const hitsBefore = rounds.reduce((sum, round) => sum + round.hitsBefore, 0)
  const totalReads = rounds.reduce((sum, round) => sum + round.reads, 0)
  console.log('')
  console.log(`invalidation: ${publishes} publishes by another process (Local API), 2 anonymous readers (REST, GraphQL GET)`)
  console.log(`machine: nproc ${machine.nproc} (${machine.cpuModel}), node ${machine.node}`)
  console.log(`reads: ${totalReads} (cache hits before the publishes: ${hitsBefore})`)
  console.log(`stale window (last stale read started, ms after publish): max ${window.max}, p50 ${window.p50}, p99 ${window.p99}`)
  console.log(`first fresh read started (ms after publish):            max ${firstFresh.max}, p50 ${firstFresh.p50}, p99 ${firstFresh.p99}`)
  console.log(`stale reads started more than ${CONTRACT_MS} ms after a publish: ${staleAfterContract}`)
  console.log(`goal: window max <= ${CONTRACT_MS} ms: ${window.max <= CONTRACT_MS ? 'met' : 'NOT met'}`)
  const timestamp = new Date().toISOString()
  const report = { benchmark: 'invalidation', timestamp, machine, publishes, window, firstFresh, staleAfterContract, hitsBefore, totalReads, rounds }
  const resultsDir = path.join(ROOT, 'bench', 'results')
  fs.mkdirSync(resultsDir, { recursive: true })
  const file = path.join(resultsDir, `invalidation-${timestamp.replace(/[:.]/g, '-')}.json`)
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n')
  console.log(`results written to ${path.relative(ROOT, file)}`)
  if (window.max > CONTRACT_MS || staleAfterContract > 0) process.exitCode = 1
}

await cleanup.runMain('bench:invalidation', main)
