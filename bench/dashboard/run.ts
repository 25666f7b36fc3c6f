/**
 * The owner's dashboard on the demo content: `npm start` + `npm run seed`, plus a month of
 * clinic activity (40 subscribers, a sent newsletter with deliveries, scheduled changes,
 * drafts), then sequential, authenticated requests, timed from the client:
 *
 * - baseline: `GET /api/users/me` (an authenticated request that reads one row),
 * - `GET /api/dashboard` (the loader alone, plus HTTP; its Server-Timing `load` is reported),
 * - `GET /admin` (the whole dashboard page's HTML, server-rendered, the request the owner makes).
 *
 *   npm run build && npm run bench:dashboard [-- --requests 60]
 */
import { PASSWORD, richText } from '../../tests/helpers/fixtures'
import { httpApi, seedServerDatabase, startProductionServer } from '../../tests/helpers/server'
import { createCleanup } from '../lib/cleanup'
import { machineInfo } from '../lib/machine'

const requests = Number(process.argv[process.argv.indexOf('--requests') + 1]) || 60
const EMAIL = 'owner@clinic.test'

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

const main = async () => {
  const cleanup = createCleanup('the dashboard bench')
  const server = await startProductionServer('bench-dashboard')
  cleanup.add(() => server.stop())
  await seedServerDatabase(server)
  const registered = await httpApi(server.url, 'POST', '/users/first-register', { body: { email: EMAIL, password: PASSWORD, 'confirm-password': PASSWORD } })
  const token: string = registered.json.token ?? (await httpApi(server.url, 'POST', '/users/login', { body: { email: EMAIL, password: PASSWORD } })).json.token
  const api = (method: string, path: string, body?: unknown) => httpApi(server.url, method, path, { token, body })

  for (let i = 0; i < 40; i++) {
    await api('POST', '/subscribers', { email: `patient${i}@example.com`, status: i % 5 ? 'confirmed' : 'pending', consent: { at: new Date().toISOString(), source: 'bench' } })
  }
  for (let i = 0; i < 8; i++) {
    const draft = await api('POST', '/articles?draft=true', { title: `Draft ${i}: neck and shoulder care`, slug: `bench-draft-${i}`, _status: 'draft', content: richText('Draft.') })
    if (i < 4) await api('POST', `/articles/${draft.json.doc.id}/schedule`, { action: 'publish', at: new Date(Date.now() + (i + 1) * 86_400_000).toISOString() })
  }
  await api('POST', '/newsletters', { subject: 'Next month', intro: richText('Soon.'), status: 'scheduled', sendAt: new Date(Date.now() + 7 * 86_400_000).toISOString() })

  const headers = { Authorization: `JWT ${token}` }
  const time = async (path: string) => {
    const started = performance.now()
    const response = await fetch(`${server.url}${path}`, { headers })
    await response.arrayBuffer()
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`)
    return { ms: performance.now() - started, serverTiming: response.headers.get('server-timing') }
  }
  // Warm: the first requests compile routes and fill Payload's caches.
  for (let i = 0; i < 5; i++) await Promise.all([time('/api/users/me'), time('/api/dashboard'), time('/admin')])

  const results: Record<string, number[]> = { baseline: [], api: [], page: [], load: [] }
  for (let i = 0; i < requests; i++) {
    results.baseline.push((await time('/api/users/me')).ms)
    const dashboard = await time('/api/dashboard')
    results.api.push(dashboard.ms)
    results.load.push(Number(/load;dur=([\d.]+)/.exec(dashboard.serverTiming ?? '')?.[1] ?? Number.NaN))
    results.page.push((await time('/admin')).ms)
  }

  const baseline = percentile(results.baseline, 50)
  console.log(`machine: ${JSON.stringify(machineInfo())}`)
  console.log(`${requests} sequential requests each, demo content + 40 subscribers, 8 drafts, 4 scheduled changes`)
  const rows: Array<[string, number[]]> = [
    ['GET /api/users/me (baseline)', results.baseline],
    ['GET /api/dashboard', results.api],
    ['  of which the loader (Server-Timing)', results.load],
    ['GET /admin (the dashboard page)', results.page],
  ]
  for (const [label, values] of rows) {
    const p50 = percentile(values, 50)
    console.log(`${label.padEnd(40)} p50 ${p50.toFixed(1).padStart(7)} ms  p95 ${percentile(values, 95).toFixed(1).padStart(7)} ms  ×${(p50 / baseline).toFixed(1)} baseline`)
  }
  await cleanup.run()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
