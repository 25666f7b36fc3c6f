import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { BackupManifest } from '../../src/ops/backup'
import { PASSWORD, richText } from '../helpers/fixtures'
import { addSubscribers, setUpClinic } from '../helpers/newsletters'
import { httpApi, localPayloadOnServerData, ROOT, startProductionServer, type RunningServer } from '../helpers/server'
import { startSmtpSink } from '../helpers/smtpSink'
import { startWorker, stopWorkers, type WorkerProcess } from '../helpers/worker'
import { waitFor } from '../helpers/waitFor'

/**
 * `npm run backup` while a newsletter is being sent and an editor saves, `npm run restore`
 * into a fresh folder, `npm start` on it: the published documents, subscribers and delivery
 * rows are all there and the app serves them.
 */
const EMAIL = 'owner@clinic.test'
const SUBSCRIBERS = 1200

let source: RunningServer
let restored: RunningServer | undefined
let payload: Payload
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let token: string
const workers: WorkerProcess[] = []
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cms-backup-e2e-'))
const backupDir = path.join(work, 'backup')
const freshData = path.join(work, 'fresh')

const npm = (script: string, args: string[], env: Record<string, string>) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('exit', (code) => resolve({ code, output }))
  })
const countRows = async (collection: 'deliveries' | 'subscribers', where: Record<string, unknown> = {}) =>
  (await payload.db.count({ collection, where: where as never })).totalDocs

beforeAll(async () => {
  sink = await startSmtpSink()
  source = await startProductionServer('backup-source', { SMTP_URL: sink.url, ALERT_WATCHDOG: 'off' })
  const registered = await httpApi(source.url, 'POST', '/users/first-register', { body: { email: EMAIL, password: PASSWORD, 'confirm-password': PASSWORD } })
  token = registered.json.token ?? (await httpApi(source.url, 'POST', '/users/login', { body: { email: EMAIL, password: PASSWORD } })).json.token
  payload = await localPayloadOnServerData(source)
  await setUpClinic(payload)
  for (const title of ['Desk neck pain', 'Sleep and sciatica', 'Frozen shoulder']) {
    const created = await httpApi(source.url, 'POST', '/articles', { token, body: { title, slug: title.toLowerCase().replace(/ /g, '-'), _status: 'published', content: richText(title) } })
    expect(created.status, created.text).toBe(201)
  }
  await addSubscribers(payload, SUBSCRIBERS, { prefix: 'reader' })
})

afterAll(async () => {
  await stopWorkers(workers)
  await payload?.destroy()
  await source?.stop()
  await restored?.stop()
  await sink?.close()
  fs.rmSync(work, { recursive: true, force: true })
})

describe('backup while the system works, restore into a fresh folder', () => {
  let manifest: BackupManifest
  let deliveriesBefore = 0
  let deliveriesAfter = 0
  const published = new Map<number, string>()

  it('backs up while a newsletter sends and an editor saves', async () => {
    // Slow enough that the backup lands in the middle of the send.
    workers.push(startWorker({ DATABASE_URI: source.databaseUri, MEDIA_DIR: String(source.env.MEDIA_DIR), PAYLOAD_SECRET: String(source.env.PAYLOAD_SECRET), SERVER_URL: source.url, SMTP_URL: sink.url, SMTP_RATE_PER_SECOND: '20', NEWSLETTER_SNAPSHOT_BATCH: '100' }))
    await workers[0].ready
    const scheduled = await httpApi(source.url, 'POST', '/newsletters', { token, body: { subject: 'Spring stretches', intro: richText('Three stretches.'), status: 'scheduled', sendAt: new Date().toISOString() } })
    expect(scheduled.status, scheduled.text).toBe(201)
    await waitFor('the send under way', async () => (await countRows('deliveries', { status: { equals: 'sent' } })) >= 50, 120_000)

    const { docs } = await payload.find({ collection: 'articles', where: { _status: { equals: 'published' } }, limit: 100 })
    for (const doc of docs) published.set(doc.id as number, doc.title)
    const edited = docs[0]
    deliveriesBefore = await countRows('deliveries')
    const [backup, save] = await Promise.all([
      npm('backup', [backupDir], { DATABASE_URI: source.databaseUri, MEDIA_DIR: String(source.env.MEDIA_DIR) }),
      httpApi(source.url, 'PATCH', `/articles/${edited.id}`, { token, body: { title: `${edited.title} (revised)`, _status: 'published' } }),
    ])
    deliveriesAfter = await countRows('deliveries')
    expect(backup.code, backup.output).toBe(0)
    expect(save.status, save.text).toBe(200)
    manifest = JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8'))
    const sentAtBackup = manifest.counts.deliveries
    expect(sentAtBackup).toBeGreaterThanOrEqual(deliveriesBefore)
    expect(sentAtBackup).toBeLessThanOrEqual(deliveriesAfter)
    expect(manifest.counts.subscribers).toBe(SUBSCRIBERS)
  })

  it('restores into an empty folder and the app serves every published document, subscriber and delivery', async () => {
    await stopWorkers(workers)
    const dataEnv = { DATABASE_URI: `file:${path.join(freshData, 'cms.db')}`, MEDIA_DIR: path.join(freshData, 'media') }
    const result = await npm('restore', [backupDir], dataEnv)
    expect(result.code, result.output).toBe(0)
    restored = await startProductionServer('backup-restored', { ...dataEnv, ALERT_WATCHDOG: 'off' })
    const login = await httpApi(restored.url, 'POST', '/users/login', { body: { email: EMAIL, password: PASSWORD } })
    expect(login.status, login.text).toBe(200)
    const staff = login.json.token as string

    const served = await httpApi(restored.url, 'GET', '/articles?limit=100&depth=0')
    expect(served.status).toBe(200)
    const servedTitles = new Map<number, string>(served.json.docs.map((doc: { id: number; title: string }) => [doc.id, doc.title]))
    expect([...servedTitles.keys()].sort()).toEqual([...published.keys()].sort())
    for (const [id, title] of published) expect([title, `${title} (revised)`]).toContain(servedTitles.get(id))

    const subscribers = await httpApi(restored.url, 'GET', '/subscribers/count', { token: staff })
    expect(subscribers.json.totalDocs).toBe(SUBSCRIBERS)
    const deliveries = await httpApi(restored.url, 'GET', '/deliveries/count', { token: staff })
    expect(deliveries.json.totalDocs).toBe(manifest.counts.deliveries)
    expect(deliveries.json.totalDocs).toBeGreaterThanOrEqual(deliveriesBefore)
    // The copy was made mid-send: the newsletter is sending, some deliveries sent, others waiting.
    const newsletter = await httpApi(restored.url, 'GET', '/newsletters?limit=1&depth=0', { token: staff })
    expect(newsletter.json.docs[0].status).toBe('sending')
    const sent = await httpApi(restored.url, 'GET', '/deliveries/count?where[status][equals]=sent', { token: staff })
    expect(sent.json.totalDocs).toBeGreaterThanOrEqual(50)
    expect(sent.json.totalDocs).toBeLessThan(SUBSCRIBERS)
    expect((await httpApi(restored.url, 'GET', '/health')).json.checks.database.status).toBe('ok')
  })
})
