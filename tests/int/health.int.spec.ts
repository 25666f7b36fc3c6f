import { sql } from '@payloadcms/db-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createStaff, PASSWORD } from '../helpers/fixtures'
import { startTestPayload, type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'
import { parseMetrics, sampleValue } from '../helpers/prometheus'
import { startSmtpSink } from '../helpers/smtpSink'
import { waitFor } from '../helpers/waitFor'
import { sqliteOnly } from '../helpers/database'

/**
 * GET /api/health, /api/health/live and /api/health/workers, and GET /api/metrics's token,
 * through the route handlers Next mounts, on a real SQLite file with real heartbeat rows.
 */
let ctx: TestPayload
let http: typeof import('../helpers/http')
let editorToken: string

const iso = (ms: number) => new Date(ms).toISOString()
const health = async () => {
  const response = await http.api('GET', '/health')
  return { ...response, body: response.json as import('../../src/health/checks').HealthReport }
}

beforeAll(async () => {
  ctx = await startTestPayload('health')
  http = await import('../helpers/http')
  await createStaff(ctx.payload)
  editorToken = await http.login('editor@clinic.test', PASSWORD)
})

afterAll(() => stopTestPayloadIfStarted(ctx))

describe('GET /api/health', () => {
  it('is degraded, never cached and says only counts and times when no worker was ever seen', async () => {
    const response = await health()
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.body.status).toBe('degraded')
    expect(response.body.checks.database).toEqual({ status: 'ok' })
    expect(response.body.checks.workers).toEqual({ status: 'missing', count: 0, lastSeenAt: null })
    expect(Object.keys(response.body).sort()).toEqual(['checks', 'status'])
    expect(Object.keys(response.body.checks).sort()).toEqual(['database', 'email', 'pipelines', 'workers'])
    expect(response.text).not.toMatch(/@|host|pid/i)
  })

  it('is ok while a worker beats, and degraded at once when it stops gracefully', async () => {
    const { WorkerHeartbeat } = await import('../../jobs/heartbeat/heartbeat')
    const heartbeat = new WorkerHeartbeat(ctx.payload, { workerId: 'test-host:1:abc', pipelines: ['scheduling'], intervalMs: 200 })
    await heartbeat.start()
    const ok = await health()
    expect(ok.body.status).toBe('ok')
    expect(ok.body.checks.workers.count).toBe(1)
    const row = await ctx.payload.db.findOne<any>({ collection: 'worker-heartbeats', where: { workerId: { equals: 'test-host:1:abc' } } })
    expect(row).toMatchObject({ status: 'running', pid: process.pid, pipelines: ['scheduling'] })
    expect(row.version).toMatch(/^\d+\.\d+\.\d+/)
    // The row moves on with every beat.
    const firstBeat = row.lastBeatAt
    await waitFor('a second beat', async () => {
      const again = await ctx.payload.db.findOne<any>({ collection: 'worker-heartbeats', where: { workerId: { equals: 'test-host:1:abc' } } })
      return again.lastBeatAt > firstBeat
    }, 10_000)
    await heartbeat.stop()
    const stopped = await health()
    expect(stopped.body.status).toBe('degraded')
    expect(stopped.body.checks.workers.status).toBe('missing')
    expect(stopped.body.checks.workers.lastSeenAt).not.toBeNull()
  })

  it('counts a worker that stopped beating as gone after WORKER_STALE_MS', async () => {
    const now = Date.now()
    await ctx.payload.db.create({
      collection: 'worker-heartbeats',
      data: { workerId: 'stale:2:def', status: 'running', startedAt: iso(now - 120_000), lastBeatAt: iso(now - 31_000) },
    })
    expect((await health()).body.checks.workers).toMatchObject({ status: 'missing', count: 0 })
    process.env.WORKER_STALE_MS = '60000'
    try {
      expect((await health()).body.checks.workers).toMatchObject({ status: 'ok', count: 1 })
    } finally {
      delete process.env.WORKER_STALE_MS
    }
  })

  it('is degraded when a pipeline has work overdue by more than a minute, naming the pipeline', async () => {
    const { payload } = ctx
    await payload.db.create({ collection: 'worker-heartbeats', data: { workerId: 'alive:3:ghi', status: 'running', startedAt: iso(Date.now()), lastBeatAt: iso(Date.now() + 3_600_000) } })
    expect((await health()).body.checks.pipelines).toEqual({ status: 'ok', overdue: [] })
    const job = await payload.db.create({
      collection: 'payload-jobs',
      data: { taskSlug: 'schedulePublish', state: 'queued', waitUntil: iso(Date.now() - 30_000), scheduledFor: iso(Date.now() - 30_000), input: {} },
    })
    // Due 30 s ago: late, but a worker may be on it.
    expect((await health()).body.checks.pipelines.overdue).toEqual([])
    await payload.db.updateOne({ collection: 'payload-jobs', id: job.id, data: { waitUntil: iso(Date.now() - 61_000) } })
    await payload.db.create({ collection: 'newsletters', data: { subject: 'Late', status: 'scheduled', sendAt: iso(Date.now() - 90_000) } })
    const report = (await health()).body
    expect(report.status).toBe('degraded')
    expect(report.checks.workers.status).toBe('ok')
    expect(report.checks.pipelines).toEqual({ status: 'overdue', overdue: ['scheduling', 'newsletters'] })
    await payload.db.deleteMany({ collection: 'payload-jobs', where: { id: { equals: job.id } } })
    await payload.db.deleteMany({ collection: 'newsletters', where: { subject: { equals: 'Late' } } })
    expect((await health()).body.status).toBe('ok')
  })

  it('is degraded when the last SMTP attempt failed, and ok again after one that worked', async () => {
    const { createMailer } = await import('../../emails/transport')
    const sink = await startSmtpSink()
    const closedPort = sink.port
    await sink.close()
    const down = createMailer({ smtpUrl: `smtp://127.0.0.1:${closedPort}` })
    await expect(down.send({ to: 'someone@example.com', subject: 'x', html: 'x', text: 'x' })).rejects.toThrow()
    down.close()
    const failing = await waitFor('the failure recorded', async () => {
      const report = (await health()).body
      return report.checks.email.status === 'failing' && report
    }, 10_000)
    expect(failing.status).toBe('degraded')
    expect(JSON.stringify(failing)).not.toContain('someone@example.com')

    const up = await startSmtpSink()
    const working = createMailer({ smtpUrl: up.url })
    await working.send({ to: 'someone@example.com', subject: 'x', html: 'x', text: 'x' })
    working.close()
    await waitFor('the success recorded', async () => (await health()).body.checks.email.status === 'ok', 10_000)
    await up.close()
  })

  it.skipIf(sqliteOnly('breaks the database by renaming a table with SQLite SQL'))('answers 503 "down" when the database cannot be read', async () => {
    const db = (ctx.payload.db as unknown as { drizzle: { run: (query: unknown) => Promise<unknown> } }).drizzle
    await db.run(sql`ALTER TABLE worker_heartbeats RENAME TO worker_heartbeats_away`)
    try {
      const response = await health()
      expect(response.status).toBe(503)
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(response.body.status).toBe('down')
      expect(response.body.checks.database.status).toBe('down')
    } finally {
      await db.run(sql`ALTER TABLE worker_heartbeats_away RENAME TO worker_heartbeats`)
    }
    expect((await health()).status).toBe(200)
  })
})

describe('GET /api/health/live and /api/health/workers', () => {
  it('live answers 200 without reading anything', async () => {
    const response = await http.api('GET', '/health/live')
    expect(response.status).toBe(200)
    expect(response.json).toEqual({ status: 'ok' })
  })

  it('workers is for staff, with the words the admin shows', async () => {
    expect((await http.api('GET', '/health/workers')).status).toBe(401)
    await ctx.payload.db.updateMany({ collection: 'worker-heartbeats', where: {}, data: { status: 'stopped' } })
    const response = await http.api('GET', '/health/workers', { credentials: { token: editorToken } })
    expect(response.status).toBe(200)
    expect(response.json).toMatchObject({ alive: false, count: 0, timeZone: 'America/Chicago' })
    expect(response.json.message).toMatch(/^Scheduled publishing and newsletters are paused: no worker has been seen since (\w+ \d+, )?\d\d:\d\d\. Start it with `npm run worker` on the server, or check its logs\.$/)
  })

  it('keeps heartbeat rows away from the public API', async () => {
    expect((await http.api('GET', '/worker-heartbeats')).status).toBe(403)
    expect((await http.api('GET', '/alerts', { credentials: { token: editorToken } })).status).toBe(403)
  })
})

describe('GET /api/metrics', () => {
  it('does not exist without METRICS_TOKEN', async () => {
    delete process.env.METRICS_TOKEN
    expect((await http.api('GET', '/metrics')).status).toBe(404)
  })

  it('refuses a missing or wrong token, and serves Prometheus text with the right one', async () => {
    process.env.METRICS_TOKEN = 'metrics-token-for-tests-0123456789'
    try {
      const missing = await http.api('GET', '/metrics')
      expect(missing.status).toBe(401)
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/)
      expect((await http.api('GET', '/metrics', { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401)
      expect((await http.api('GET', '/metrics', { headers: { Authorization: 'Bearer metrics-token-for-tests-012345678' } })).status).toBe(401)
      const ok = await http.api('GET', '/metrics', { headers: { Authorization: 'Bearer metrics-token-for-tests-0123456789' } })
      expect(ok.status).toBe(200)
      expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
      expect(ok.headers.get('cache-control')).toBe('no-store')
      const families = parseMetrics(ok.text)
      expect(families.get('nodejs_eventloop_lag_seconds')?.type).toBe('GAUGE')
      expect(families.get('clinic_scheduled_change_lateness_seconds')?.type).toBe('HISTOGRAM')
      expect(families.get('clinic_newsletter_messages_total')?.type).toBe('COUNTER')
      expect(sampleValue(families, 'clinic_worker_heartbeat_age_seconds')).toBeGreaterThanOrEqual(0)
    } finally {
      delete process.env.METRICS_TOKEN
    }
  })
})
