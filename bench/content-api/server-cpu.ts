/**
 * Server CPU per uncached front-page request: starts the production build (`npm start`, one server process, no spare) on a
 * fresh SQLite file with the demo content, sends the front-page GraphQL query with a bogus `Authorization` header (so the cache
 * steps aside, as in bench:content-api's `payload uncached`) 300 times to warm up, then three rounds of BENCH_REQUESTS (default
 * 1,000) at 8 concurrent, and prints the server process's own CPU time per request (from /proc, so the client's CPU is not in it).
 * A steadier figure than wrk's requests/s on a shared machine; compare trees run one after the other.
 *
 *   npm run build && NODE_OPTIONS=--conditions=production npx tsx bench/content-api/server-cpu.ts
 */
import fs from 'node:fs'

import { seedServerDatabase, serverProcessPids, startProductionServer } from '../../tests/helpers/server'

const QUERY = `query FrontPage { Articles(limit: 10, sort: "-publishedAt") { docs { title slug excerpt heroImage { url } conditions { name slug } } } }`
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000)
const CONCURRENCY = 8
/** USER_HZ: the unit of utime and stime in /proc/<pid>/stat on Linux. */
const TICKS_PER_SECOND = 100

const server = await startProductionServer('server-cpu', { WEB_CONCURRENCY: '1', SERVER_STANDBY: '0' })
try {
  await seedServerDatabase(server)
  const pid = serverProcessPids(server).at(-1)!
  // utime + stime of the server process, all its threads.
  const cpuTicks = () => {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return Number(fields[11]) + Number(fields[12])
  }
  const once = async () => {
    const response = await fetch(`${server.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-session', 'accept-encoding': 'identity' },
      body: JSON.stringify({ query: QUERY }),
    })
    await response.arrayBuffer()
    if (response.status !== 200) throw new Error(`the front page answered ${response.status}`)
  }
  const run = async (count: number) => {
    let sent = 0
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent++ < count) await once()
      }),
    )
  }
  await run(300)
  for (let round = 1; round <= 3; round++) {
    const before = cpuTicks()
    const started = performance.now()
    await run(REQUESTS)
    const cpuMs = ((cpuTicks() - before) * 1000) / TICKS_PER_SECOND
    const seconds = (performance.now() - started) / 1000
    console.log(`round ${round}: ${(cpuMs / REQUESTS).toFixed(2)} ms server CPU per request, ${(REQUESTS / seconds).toFixed(0)} req/s`)
  }
} finally {
  await server.stop()
}
