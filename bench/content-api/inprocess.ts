/**
 * The uncached front-page read without Next and HTTP: Payload on a fresh SQLite file with the demo content,
 * and the project's /api/graphql route handler called directly (as tests/helpers/http.ts does), back to back.
 * Prints ms per request; under `node --cpu-prof` (see README) its profile has Payload's unminified sources.
 *
 *   NODE_OPTIONS=--conditions=production npx tsx bench/content-api/inprocess.ts [requests=300]
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cms-inprocess-'))
process.env.DATABASE_URI = `file:${path.join(dir, 'cms.db')}`
process.env.MEDIA_DIR = path.join(dir, 'media')
process.env.SEED_DEMO_CONTENT = 'false'
process.env.PAYLOAD_SECRET ??= 'inprocess-secret-0123456789abcdef0123'
;(process.env as Record<string, string>).NODE_ENV = 'production'

const QUERY = process.env.QUERY ?? `query FrontPage { Articles(limit: 10, sort: "-publishedAt") { docs { title slug excerpt heroImage { url } conditions { name slug } } } }`

const { getPayload } = await import('payload')
const { default: config } = await import('../../payload.config')
const payload = await getPayload({ config })
const { seed } = await import('../../src/seed')
await seed(payload)
const { POST } = await import('../../src/app/(payload)/api/graphql/route')

const once = async () => {
  const response = await POST(
    new Request('http://localhost:3000/api/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer not-a-session' },
      body: JSON.stringify({ query: QUERY }),
    }),
  )
  return response.text()
}

// INPROCESS_SQL=1: prints the SQL statements one request sends (after the warm-up).
const client = (payload.db as unknown as { client: { execute: (...args: any[]) => Promise<unknown> } }).client
const statements: string[] = []
const execute = client.execute.bind(client)
client.execute = (statement: any, ...rest: any[]) => {
  statements.push(typeof statement === 'string' ? statement : statement.sql)
  return execute(statement, ...rest)
}
const count = Number(process.argv[2] ?? 300)
const first = await once()
for (let i = 0; i < 30; i++) await once()
statements.length = 0
await once()
console.log(`${statements.length} SQL statements per request`)
if (process.env.INPROCESS_SQL) for (const sql of statements) console.log(`  ${sql.slice(0, 2000)}`)
const started = performance.now()
const cpuBefore = process.cpuUsage()
for (let i = 0; i < count; i++) await once()
const elapsed = performance.now() - started
const cpu = process.cpuUsage(cpuBefore)
// CPU time is the steadier figure on a shared machine (wall time includes waiting for a core).
console.log(`${count} requests, ${(elapsed / count).toFixed(2)} ms each, ${((cpu.user + cpu.system) / 1000 / count).toFixed(2)} ms CPU each, ${first.length} bytes`)
if (process.env.INPROCESS_OUT) fs.writeFileSync(process.env.INPROCESS_OUT, first)
await payload.destroy()
fs.rmSync(dir, { recursive: true, force: true })
process.exit(0)
