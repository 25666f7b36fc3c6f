/**
 * In-process measurement of the nested-join GraphQL query (relatedArticles → conditions →
 * relatedArticles …, `limit: 100` each) against a real Payload with the demo content:
 * how long it takes to be answered, its status, how much the process grew (peak RSS),
 * and how long a plain read sent 100 ms after it waited.
 *
 *   NODE_OPTIONS=--conditions=production npx tsx bench/query-cost/run.ts 3 4 5
 *
 * Each level runs in a fresh child process (a runaway query cannot be cancelled in
 * process) with a 2 GB heap and a 90 s cap; the parent prints one line per level.
 */
import { spawnSync } from 'node:child_process'

import { nestedJoinQuery } from '../lib/queries'

const levelArg = process.env.QUERY_COST_LEVEL

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024)

const measureOne = async (levels: number) => {
  ;(process.env as Record<string, string>).NODE_ENV ??= 'test'
  process.env.SEED_DEMO_CONTENT = 'false'
  process.env.PAYLOAD_SECRET ??= 'bench-secret-0123456789abcdef0123456789'
  const { startTestPayload, stopTestPayload } = await import('../../tests/helpers/payload')
  const ctx = await startTestPayload('query-cost')
  const { seed } = await import('../../src/seed')
  await seed(ctx.payload)
  let { gql } = await import('../../tests/helpers/http')
  if (process.env.QUERY_COST_UNGATED) {
    // Payload's handler without the static check in front: only the read budget (documents, clock) bounds it.
    const { GRAPHQL_POST } = await import('@payloadcms/next/routes')
    const { default: config } = await import('../../payload.config')
    const handler = GRAPHQL_POST(config)
    gql = async (query: string) => {
      const response = await handler(new Request('http://localhost:3000/api/graphql', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query }) }))
      return { status: response.status, json: await response.json(), headers: response.headers }
    }
  }
  await gql('{ Clinic { name } }')
  await gql('{ Articles(limit: 10) { docs { title conditions { name } } } }')
  const rssBefore = process.memoryUsage().rss
  const started = performance.now()
  // A query that never finishes within the cap still tells how far it got.
  const sampler = setInterval(() => {
    console.log(JSON.stringify({ progress: true, levels, afterMs: Math.round(performance.now() - started), rssMb: mb(process.memoryUsage().rss), grewMb: mb(process.memoryUsage().rss - rssBefore) }))
  }, 1000)
  let plainMs = -1
  const abusive = gql(nestedJoinQuery(levels)).then((response) => ({ response, ms: performance.now() - started }))
  const plain = new Promise<void>((resolve) =>
    setTimeout(async () => {
      const plainStarted = performance.now()
      await gql('{ Articles(limit: 10, sort: "-publishedAt") { docs { title slug } } }')
      plainMs = performance.now() - plainStarted
      resolve()
    }, 100),
  )
  const [{ response, ms }] = await Promise.all([abusive, plain])
  clearInterval(sampler)
  const peakRss = process.resourceUsage().maxRSS * 1024
  const message = response.json?.errors?.[0]?.message ?? ''
  console.log(
    JSON.stringify({
      levels,
      status: response.status,
      ms: Math.round(ms),
      plainReadMs: Math.round(plainMs),
      rssBeforeMb: mb(rssBefore),
      peakRssMb: mb(peakRss),
      grewMb: mb(peakRss - rssBefore),
      error: message.slice(0, 120),
      dataBytes: response.json?.data ? JSON.stringify(response.json.data).length : 0,
    }),
  )
  await stopTestPayload(ctx)
  process.exit(0)
}

if (levelArg) {
  await measureOne(Number(levelArg))
} else {
  const levels = process.argv.slice(2).map(Number).filter(Boolean)
  for (const level of levels.length ? levels : [3, 4, 5]) {
    const started = Date.now()
    const child = spawnSync(process.execPath, ['--max-old-space-size=2048', '--import', 'tsx', import.meta.filename], {
      env: { ...process.env, QUERY_COST_LEVEL: String(level), NODE_OPTIONS: '--conditions=production' },
      encoding: 'utf8',
      timeout: Number(process.env.QUERY_COST_TIMEOUT_MS) || 90_000,
      maxBuffer: 64 * 1024 * 1024,
      killSignal: 'SIGKILL',
    })
    const lines = (child.stdout ?? '').split('\n')
    const line = lines.find((candidate) => candidate.startsWith('{"levels"'))
    const lastProgress = lines.filter((candidate) => candidate.startsWith('{"progress"')).pop()
    console.log(line ?? JSON.stringify({ levels: level, died: child.signal ?? child.status, afterMs: Date.now() - started, lastProgress: lastProgress && JSON.parse(lastProgress), stderr: (child.stderr ?? '').slice(-300) }))
  }
}
