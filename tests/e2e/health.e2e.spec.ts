import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { PASSWORD, richText } from '../helpers/fixtures'
import { parseMetrics, sampleValue, scrape } from '../helpers/prometheus'
import { freePort, httpApi, startProductionServer, type RunningServer } from '../helpers/server'
import { startSmtpSink } from '../helpers/smtpSink'
import { startWorker, stopWorkers, type WorkerProcess } from '../helpers/worker'
import { waitFor } from '../helpers/waitFor'

/**
 * "Know it is working" with real processes: `npm start` (a server process and its warm
 * spare: two watchdogs on one database) without a worker, then with one, then after the
 * worker is killed with kill -9. Intervals are shortened through the environment.
 */
const HEARTBEAT_MS = 500
const STALE_MS = 3_000
const TOKEN = 'e2e-metrics-token-0123456789abcdef'
const EMAIL = 'owner@clinic.test'

let server: RunningServer
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let token: string
let workerMetricsPort: number
const workers: WorkerProcess[] = []

type Health = import('../../src/health/checks').HealthReport
const health = async () => (await httpApi(server.url, 'GET', '/health')).json as Health
const serverLog = () => server.output().slice(-3000)
const mails = async () => Promise.all(sink.messages.map((message) => simpleParser(message.raw)))
const appMetrics = async () => parseMetrics((await scrape(`${server.url}/api/metrics`, TOKEN)).text)
const workerMetrics = async () => parseMetrics((await scrape(`http://127.0.0.1:${workerMetricsPort}/metrics`, TOKEN)).text)

const workerEnv = () => ({
  DATABASE_URI: server.databaseUri,
  MEDIA_DIR: String(server.env.MEDIA_DIR),
  PAYLOAD_SECRET: String(server.env.PAYLOAD_SECRET),
  SERVER_URL: server.url,
  SMTP_URL: sink.url,
  WORKER_HEARTBEAT_MS: String(HEARTBEAT_MS),
  METRICS_TOKEN: TOKEN,
  WORKER_METRICS_PORT: String(workerMetricsPort),
})

beforeAll(async () => {
  sink = await startSmtpSink()
  workerMetricsPort = await freePort()
  server = await startProductionServer('health', {
    SMTP_URL: sink.url,
    ALERT_EMAIL: EMAIL,
    ALERT_WORKER_MISSING_MS: '4000',
    ALERT_CHECK_INTERVAL_MS: '500',
    WORKER_STALE_MS: String(STALE_MS),
    WORKER_HEARTBEAT_MS: String(HEARTBEAT_MS),
    METRICS_TOKEN: TOKEN,
  })
  const registered = await httpApi(server.url, 'POST', '/users/first-register', { body: { email: EMAIL, password: PASSWORD, 'confirm-password': PASSWORD } })
  expect(registered.status, registered.text).toBeLessThan(300)
  token = registered.json.token ?? (await httpApi(server.url, 'POST', '/users/login', { body: { email: EMAIL, password: PASSWORD } })).json.token
  expect(token).toBeTruthy()
})

afterAll(async () => {
  await stopWorkers(workers)
  await server?.stop()
  await sink?.close()
})

describe('without a worker', () => {
  it('health is degraded, never cached, and names no worker', async () => {
    const response = await httpApi(server.url, 'GET', '/health')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('x-cache')).toBe('BYPASS')
    expect(response.json).toMatchObject({ status: 'degraded', checks: { database: { status: 'ok' }, workers: { status: 'missing', count: 0, lastSeenAt: null } } })
    expect((await httpApi(server.url, 'GET', '/health/live')).status).toBe(200)
  })

  it('every admin page carries the banner in its HTML', async () => {
    for (const page of ['/admin', '/admin/collections/articles']) {
      const response = await fetch(`${server.url}${page}`, { headers: { Cookie: `payload-token=${token}`, Origin: server.url } })
      expect(response.status).toBe(200)
      const text = (await response.text()).replace(/<!-- -->/g, '').replace(/<[^>]+>/g, '')
      const sentence = 'Scheduled publishing and newsletters are paused: no worker has ever been seen. Start it with npm run worker on the server, or check its logs.'
      expect(text.includes(sentence), `${page}: ${text.slice(0, 200)}`).toBe(true)
    }
  })

  it('sends exactly one alert email after ALERT_WORKER_MISSING_MS, whatever the number of app processes', async () => {
    const [first] = await waitFor('the alert email', async () => sink.messages.length > 0 && mails(), { explain: serverLog })
    expect(first.subject).toMatch(/^\[.+ CMS\] No worker has ever run: scheduled publishing and newsletters are paused$/)
    expect(first.to && 'text' in first.to ? first.to.text : '').toBe(EMAIL)
    expect(first.text).toMatch(/npm run worker/)
    // Both server processes keep checking; still one email.
    const checks = (families: Map<string, any>) => sampleValue(families, 'clinic_alert_checks_total') ?? 0
    const checksAfterEmail = checks(await appMetrics())
    await waitFor('more watchdog rounds', async () => checks(await appMetrics()) >= checksAfterEmail + 6, { explain: serverLog })
    expect(sink.messages).toHaveLength(1)
  })
})

describe('with a worker', () => {
  it('health is ok once the worker has beaten once, and the recovery email follows', async () => {
    const worker = startWorker(workerEnv())
    workers.push(worker)
    await waitFor('the first heartbeat', async () => worker.output().includes('heartbeat.started'), { explain: serverLog })
    // The first beat is written before that line: health must say so at once.
    const report = await health()
    expect(report.status, JSON.stringify(report)).toBe('ok')
    expect(report.checks.workers.count).toBe(1)
    const recovery = await waitFor('the recovery email', async () => (await mails()).find((mail) => /^\[.+\] Resolved: /.test(mail.subject ?? '')), { explain: serverLog })
    expect(recovery.subject).toMatch(/Resolved: No worker has ever run/)
    expect(sink.messages).toHaveLength(2)
    const banner = await fetch(`${server.url}/admin`, { headers: { Cookie: `payload-token=${token}`, Origin: server.url } })
    expect((await banner.text()).includes('Scheduled publishing and newsletters are paused')).toBe(false)
  })

  it('metrics parse, refuse a missing or wrong token, and change when a scheduled publish happens', async () => {
    expect((await scrape(`${server.url}/api/metrics`)).status).toBe(401)
    expect((await scrape(`${server.url}/api/metrics`, 'wrong')).status).toBe(401)
    expect((await scrape(`http://127.0.0.1:${workerMetricsPort}/metrics`)).status).toBe(401)
    expect((await scrape(`http://127.0.0.1:${workerMetricsPort}/metrics`, 'wrong')).status).toBe(401)

    const app = await appMetrics()
    expect(sampleValue(app, 'clinic_http_requests_total', { family: 'health', status: '200' })).toBeGreaterThan(0)
    expect(sampleValue(app, 'clinic_workers_alive')).toBe(1)
    expect(app.get('clinic_content_cache_hits_total')?.type).toBe('COUNTER')
    expect(app.get('nodejs_eventloop_lag_seconds')?.type).toBe('GAUGE')
    const before = await workerMetrics()
    expect(sampleValue(before, 'clinic_scheduled_changes_total', { outcome: 'applied' }) ?? 0).toBe(0)
    expect(sampleValue(before, 'clinic_worker_heartbeat_age_seconds')).toBeLessThan(STALE_MS / 1000)

    const created = await httpApi(server.url, 'POST', '/articles?draft=true', {
      token,
      body: { title: 'Scheduled for metrics', slug: 'scheduled-for-metrics', _status: 'draft', content: richText('Counted.') },
    })
    expect(created.status, created.text).toBe(201)
    const at = new Date(Date.now() + 2_000).toISOString()
    const scheduled = await httpApi(server.url, 'POST', `/articles/${created.json.doc.id}/schedule`, { token, body: { action: 'publish', at } })
    expect(scheduled.status, scheduled.text).toBe(201)
    const after = await waitFor('the publish counted', async () => {
      const families = await workerMetrics()
      return (sampleValue(families, 'clinic_scheduled_changes_total', { outcome: 'applied' }) ?? 0) === 1 && families
    }, { explain: serverLog })
    expect(sampleValue(after, 'clinic_scheduled_change_lateness_seconds')).toBe(1)
    const published = await httpApi(server.url, 'GET', `/articles/${created.json.doc.id}`)
    expect(published.json._status).toBe('published')
  })

  it('kill -9 the worker: degraded within WORKER_STALE_MS and one beat', async () => {
    const [worker] = workers
    await waitFor('health ok', async () => (await health()).status === 'ok', { explain: serverLog })
    const killedAt = Date.now()
    worker.kill('SIGKILL')
    await worker.exited
    workers.length = 0
    const degraded = await waitFor('degraded', async () => {
      const report = await health()
      return report.status === 'degraded' && report
    }, { timeoutMs: 30_000, explain: serverLog })
    const elapsed = Date.now() - killedAt
    expect(degraded.checks.workers).toMatchObject({ status: 'missing', count: 0 })
    // Not before the stale bound minus the beat it last wrote, and not much after stale + one beat.
    expect(elapsed).toBeGreaterThanOrEqual(STALE_MS - HEARTBEAT_MS - 100)
    expect(elapsed).toBeLessThan(STALE_MS + HEARTBEAT_MS + 3_000)
  })
})
