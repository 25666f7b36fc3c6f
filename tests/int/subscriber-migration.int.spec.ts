import { createClient } from '@libsql/client'
import { drizzle } from '@payloadcms/db-sqlite/drizzle/libsql'
import { sql } from '@payloadcms/db-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { migrations } from '../../src/migrations'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { startSmtpSink } from '../helpers/smtpSink'
import { clientAddressHeaders } from '../../src/security/clientIp'
import { stopMailingTest } from '../helpers/outgoingMail'

/**
 * The subscriber-identity migration on a database that already has data: the previous
 * migrations build the old schema, old-shape rows go in (case-duplicates included), then
 * Payload starts and applies the new migration exactly as in production. Links sent
 * before it (id-only tokens) must keep working for their own subscriber, and only them.
 */
const IDENTITY_MIGRATION = '20261201_213417_subscriber_identity'

let ctx: TestPayload
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let tokens: typeof import('../../src/subscribers/tokens')
let service: typeof import('../../src/subscribers/service')
let preferencesRoute: typeof import('../../src/app/(subscribers)/email/preferences/route')
let unsubscribeRoute: typeof import('../../src/app/(subscribers)/email/unsubscribe/route')
let confirmRoute: typeof import('../../src/app/(subscribers)/email/confirm/route')
let http: typeof import('../helpers/http')

const buildOldDatabase = async (databaseFile: string) => {
  const client = createClient({ url: `file:${databaseFile}` })
  const db = drizzle(client)
  const index = migrations.findIndex((migration) => migration.name === IDENTITY_MIGRATION)
  expect(index).toBeGreaterThan(0)
  for (const [batch, migration] of migrations.slice(0, index).entries()) {
    await migration.up({ db, payload: {} as never, req: {} as never } as never)
    await db.run(sql`INSERT INTO payload_migrations (name, batch) VALUES (${migration.name}, ${batch + 1})`)
  }
  await db.run(sql`INSERT INTO conditions (id, name, slug, _status) VALUES (1, 'Sciatica', 'sciatica', 'published'), (2, 'Neck pain', 'neck-pain', 'published')`)
  const insert = (row: Record<string, unknown>) => {
    const columns = Object.keys(row)
    return db.run(sql`INSERT INTO subscribers (${sql.raw(columns.map((column) => `"${column}"`).join(', '))}) VALUES (${sql.join(columns.map((column) => sql`${row[column]}`), sql`, `)})`)
  }
  // One mailbox stored three times by the old case-sensitive code.
  await insert({ id: 1, email: 'Pat@x.example', name: 'Pat', status: 'confirmed', consent_at: '2025-01-01T09:00:00.000Z', consent_source: 'form A', consent_text: 'I agree (A)', consent_ip: '10.0.0.1', confirmed_at: '2025-01-01T09:05:00.000Z' })
  await insert({ id: 2, email: 'pat@x.example', status: 'pending', consent_at: '2025-06-01T09:00:00.000Z', consent_source: 'form B', confirmation_nonce: 'nonce-2' })
  await insert({ id: 3, email: 'PAT@x.example', status: 'unsubscribed', consent_at: '2025-02-01T09:00:00.000Z', consent_source: 'form C', confirmed_at: '2025-02-01T09:01:00.000Z', unsubscribed_at: '2025-03-01T00:00:00.000Z' })
  await insert({ id: 4, email: 'solo@example.com', name: 'Solo', status: 'confirmed', consent_at: '2025-01-02T00:00:00.000Z', confirmed_at: '2025-01-02T00:00:00.000Z' })
  // Another pair: pending first, confirmed later from a kiosk; the newest id is a duplicate.
  await insert({ id: 5, email: 'Case2@example.com', name: 'Casey', status: 'pending', consent_at: '2025-04-01T00:00:00.000Z', consent_source: 'web', confirmation_nonce: 'nonce-5' })
  await insert({ id: 6, email: 'case2@example.com', status: 'confirmed', consent_at: '2025-05-01T00:00:00.000Z', consent_source: 'kiosk', consent_text: 'Kiosk wording', confirmed_at: '2025-05-01T00:10:00.000Z' })
  await db.run(sql`INSERT INTO subscribers_rels ("order", parent_id, path, conditions_id) VALUES (1, 1, 'topics', 1), (1, 2, 'topics', 2), (1, 3, 'topics', 1), (1, 5, 'topics', 1)`)
  // A send in progress: rows 1 and 2 both got a copy (the bug), row 3 only in the older one.
  await db.run(sql`INSERT INTO newsletters (id, subject, status) VALUES (1, 'Old news', 'sent'), (2, 'Current', 'sending')`)
  await db.run(sql`INSERT INTO deliveries (id, newsletter_id, subscriber_id, email, status) VALUES
    (1, 1, 1, 'Pat@x.example', 'sent'), (2, 1, 2, 'pat@x.example', 'sent'), (3, 2, 2, 'pat@x.example', 'queued'), (4, 2, 1, 'Pat@x.example', 'queued'), (5, 1, 6, 'case2@example.com', 'sent')`)
  client.close()
}

beforeAll(async () => {
  sink = await startSmtpSink()
  process.env.SMTP_URL = sink.url
  ctx = await startTestPayload('subscriber-migration', { prepareDatabase: buildOldDatabase })
  tokens = await import('../../src/subscribers/tokens')
  service = await import('../../src/subscribers/service')
  preferencesRoute = await import('../../src/app/(subscribers)/email/preferences/route')
  unsubscribeRoute = await import('../../src/app/(subscribers)/email/unsubscribe/route')
  confirmRoute = await import('../../src/app/(subscribers)/email/confirm/route')
  http = await import('../helpers/http')
})

afterAll(() => stopMailingTest(ctx, sink))

/** A link exactly as the old code signed it: the id only. */
const oldManageLink = (path: 'preferences' | 'unsubscribe', id: number) => `http://localhost:3000/email/${path}?token=${tokens.signToken({ p: 'manage', s: String(id) })}`
const rawRow = (id: number) => ctx.payload.db.findOne({ collection: 'subscribers', where: { id: { equals: id } } }) as Promise<any>

describe('subscriber identity migration on existing data', () => {
  it('merges case-duplicates deterministically: oldest row and spelling, opt-out wins, consent proof kept', async () => {
    const { docs } = await ctx.payload.find({ collection: 'subscribers', sort: 'id', depth: 0, overrideAccess: true })
    expect(docs.map((doc) => [doc.id, doc.email, doc.emailKey])).toEqual([
      [1, 'Pat@x.example', 'pat@x.example'],
      [4, 'solo@example.com', 'solo@example.com'],
      [5, 'Case2@example.com', 'case2@example.com'],
    ])
    const pat = await rawRow(1)
    expect(pat.status).toBe('unsubscribed')
    expect(pat.unsubscribedAt).toBe('2025-03-01T00:00:00.000Z')
    // Proof from the copy confirmed last (row 3, confirmed 2025-02-01).
    expect(pat.consent.source).toBe('form C')
    expect(pat.confirmedAt).toBe('2025-02-01T09:01:00.000Z')
    expect(pat.name).toBe('Pat')
    // Row 1 and 3 chose sciatica, row 2 neck pain: the union.
    expect((pat.topics as any[]).map((topic) => (typeof topic === 'object' ? topic.id : topic)).sort()).toEqual([1, 2])
    expect(pat.legacyLinkIds).toBe(',1,2,3,')

    const casey = await rawRow(5)
    expect(casey.status).toBe('confirmed')
    expect(casey.consent.source).toBe('kiosk')
    expect(casey.consent.text).toBe('Kiosk wording')
    expect(casey.confirmedAt).toBe('2025-05-01T00:10:00.000Z')
    expect(casey.name).toBe('Casey')
    // Row 6 chose no topics, which means everything: the merged subscriber gets everything.
    expect(casey.topics ?? []).toEqual([])

    const secrets = await Promise.all([1, 4, 5].map(async (id) => (await rawRow(id)).manageSecret))
    expect(new Set(secrets).size).toBe(3)
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('deliveries of merged copies move to the subscriber kept; a second copy of one newsletter is skipped, not sent', async () => {
    const { docs } = await ctx.payload.db.find<any>({ collection: 'deliveries', sort: 'id', limit: 0, pagination: false })
    const shape = docs.map((doc) => [doc.id, typeof doc.subscriber === 'object' && doc.subscriber ? doc.subscriber.id : doc.subscriber ?? null, doc.status])
    expect(shape).toEqual([
      [1, 1, 'sent'],
      [2, null, 'sent'],
      [3, null, 'skipped'],
      [4, 1, 'queued'],
      [5, 5, 'sent'],
    ])
  })

  it('the unique key now refuses another capitalisation', async () => {
    const refused = await ctx.payload.create({ collection: 'subscribers', data: { email: 'SOLO@example.com', status: 'pending' }, overrideAccess: true }).catch((error) => error)
    expect(refused.data?.errors?.[0]).toMatchObject({ path: 'email', message: expect.stringMatching(/already a subscriber/) })
  })

  it('old id-only links keep working for their own subscriber, merged copies included', async () => {
    for (const [id, shows] of [[1, 'Pat@x.example'], [2, 'Pat@x.example'], [3, 'Pat@x.example'], [4, 'solo@example.com'], [6, 'Case2@example.com']] as const) {
      const page = await unsubscribeRoute.GET(new Request(oldManageLink('unsubscribe', id)))
      expect(page.status, `old link of id ${id}`).toBe(200)
      expect(await page.text()).toContain(shows)
    }
    const preferences = await preferencesRoute.GET(new Request(oldManageLink('preferences', 4)))
    expect(preferences.status).toBe(200)
    const oldConfirm = tokens.signToken({ p: 'confirm', s: '5', n: 'nonce-5', e: Date.now() + 60_000 })
    const confirmPage = await confirmRoute.GET(new Request(`http://localhost:3000/email/confirm?token=${oldConfirm}`))
    expect(confirmPage.status).toBe(200)
    expect(await confirmPage.text()).toContain('Case2@example.com')
  })

  it('an old link never opens a subscriber created after the migration, even under a reused id', async () => {
    // Id 6 was a duplicate merged into 5 and is free again: the next signup gets it.
    await http.api('POST', '/subscribe', { body: { email: 'newcomer@example.com', name: 'Newt' }, headers: clientAddressHeaders('10.3.0.1') })
    await service.signupsSettled()
    const [newcomer] = (await ctx.payload.find({ collection: 'subscribers', where: { emailKey: { equals: 'newcomer@example.com' } }, overrideAccess: true })).docs
    expect(newcomer.id).toBe(6)
    expect((await rawRow(6)).legacyLinkIds ?? null).toBeNull()
    // The old id-6 link still belongs to Casey, never to the newcomer...
    expect(await (await unsubscribeRoute.GET(new Request(oldManageLink('unsubscribe', 6)))).text()).toContain('Case2@example.com')
    // ...and once Casey is erased, it opens nobody.
    await ctx.payload.delete({ collection: 'subscribers', id: 5, overrideAccess: true })
    for (const id of [5, 6]) {
      const page = await preferencesRoute.GET(new Request(oldManageLink('preferences', id)))
      expect(page.status).toBe(410)
      expect(await page.text()).not.toContain('Newt')
      const oneClick = await unsubscribeRoute.POST(new Request(oldManageLink('unsubscribe', id), { method: 'POST', body: 'List-Unsubscribe=One-Click' }))
      expect(oneClick.status).toBe(410)
    }
    expect((await rawRow(6)).status).toBe('pending')
  })
})
