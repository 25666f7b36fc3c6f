import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import type { Alert, WebhookDelivery } from '../../../payload-types'
import { startTestPayload, type TestPayload, stopTestPayloadIfStarted } from '../../helpers/payload'

/**
 * The contract of src/seams/database.ts on a real SQLite file: what the project relies on
 * from Payload's database adapter beyond its documented API. A failure here after a Payload
 * upgrade means the seam (not its callers) must change.
 */
let ctx: TestPayload
let seam: typeof import('../../../src/seams/database')

const iso = (ms: number) => new Date(ms).toISOString()
const alertRow = (n: number, extra: Partial<Alert> = {}) => ({
  key: `worker-missing:contract-${n}`,
  kind: 'worker-missing',
  subject: `contract-${n}`,
  title: 'Contract',
  state: 'open',
  openedAt: iso(Date.now()),
  openingEmail: 'pending',
  recoveryEmail: 'none',
  ...extra,
})
const createAlerts = async (count: number, extra: Partial<Alert> = {}) => {
  const ids: Array<number | string> = []
  for (let n = 0; n < count; n++) {
    const doc = await ctx.payload.db.create({ collection: 'alerts', data: alertRow(n, extra) })
    ids.push(doc.id)
  }
  return ids
}
const allAlerts = async () =>
  (await ctx.payload.db.find({ collection: 'alerts', limit: 0, pagination: false, sort: 'id' })).docs as unknown as Alert[]

beforeAll(async () => {
  ctx = await startTestPayload('seam-database')
  seam = await import('../../../src/seams/database')
})

afterAll(() => stopTestPayloadIfStarted(ctx))

beforeEach(async () => {
  await ctx.payload.db.deleteMany({ collection: 'alerts', where: { id: { exists: true } } })
})

describe('the SQL adapter', () => {
  it('is recognised as one that updates every match at once', () => {
    expect(seam.updatesEveryMatchAtOnce(ctx.payload)).toBe(true)
  })

  it('runs an atomic updateOne with a where over EVERY matching row (one UPDATE … WHERE … RETURNING)', async () => {
    await createAlerts(3)
    const first = await ctx.payload.db.updateOne({
      collection: 'alerts',
      where: { openingEmail: { equals: 'pending' } },
      data: { openingEmail: 'sending', emailLeaseOwner: 'contract' },
      options: { atomic: true },
    })
    expect(first).toMatchObject({ openingEmail: 'sending', emailLeaseOwner: 'contract' })
    const rows = await allAlerts()
    expect(rows.map((row) => row.openingEmail)).toEqual(['sending', 'sending', 'sending'])
  })
})

describe('claimOne', () => {
  it('gives the document to exactly one of two concurrent claims, and null to the other', async () => {
    const [id] = await createAlerts(1)
    const claim = (owner: string) =>
      seam.claimOne<Alert>(ctx.payload, { collection: 'alerts', id, when: { openingEmail: { equals: 'pending' } }, data: { openingEmail: 'sending', emailLeaseOwner: owner } })
    const results = await Promise.all([claim('a'), claim('b')])
    const winners = results.filter(Boolean)
    expect(winners).toHaveLength(1)
    const [row] = await allAlerts()
    expect(row.emailLeaseOwner).toBe(winners[0]!.emailLeaseOwner)
  })

  it('updates only the pinned document even when the condition matches others', async () => {
    const [id] = await createAlerts(3)
    const won = await seam.claimOne<Alert>(ctx.payload, { collection: 'alerts', id, when: { openingEmail: { equals: 'pending' } }, data: { openingEmail: 'sent' } })
    expect(won?.id).toBe(id)
    expect((await allAlerts()).map((row) => row.openingEmail)).toEqual(['sent', 'pending', 'pending'])
  })

  it('returns null and writes nothing when the condition no longer holds', async () => {
    const [id] = await createAlerts(1, { openingEmail: 'sent' })
    expect(await seam.claimOne(ctx.payload, { collection: 'alerts', id, when: { openingEmail: { equals: 'pending' } }, data: { openingEmail: 'sending' } })).toBeNull()
    expect((await allAlerts())[0].openingEmail).toBe('sent')
  })
})

describe('updateEveryMatch', () => {
  it('updates every matching row and reports whether it updated any', async () => {
    await createAlerts(4)
    const where = { openingEmail: { equals: 'pending' } }
    expect(await seam.updateEveryMatch(ctx.payload, { collection: 'alerts', where, data: { openingEmail: 'skipped' }, maxCalls: 4 })).toBe(true)
    expect((await allAlerts()).every((row) => row.openingEmail === 'skipped')).toBe(true)
    expect(await seam.updateEveryMatch(ctx.payload, { collection: 'alerts', where, data: { openingEmail: 'skipped' }, maxCalls: 4 })).toBe(false)
  })

  it('lets only one of two concurrent bulk claims win each row', async () => {
    await createAlerts(50)
    const where = { openingEmail: { equals: 'pending' } }
    await Promise.all(
      ['a', 'b'].map((owner) => seam.updateEveryMatch(ctx.payload, { collection: 'alerts', where, data: { openingEmail: 'sending', emailLeaseOwner: owner }, maxCalls: 50 })),
    )
    const owners = new Set((await allAlerts()).map((row) => row.emailLeaseOwner))
    // One statement each: the first takes all 50 rows, the second finds none left.
    expect(owners.size).toBe(1)
  })
})

describe('why not payload.db.updateMany (the public API)', () => {
  it('is no conditional claim on SQL: two concurrent updateMany calls both return the same rows as theirs', async () => {
    await createAlerts(200)
    const where = { openingEmail: { equals: 'pending' } }
    const [a, b] = await Promise.all(
      ['a', 'b'].map((owner) =>
        ctx.payload.db.updateMany({ collection: 'alerts', where, data: { openingEmail: 'sending', emailLeaseOwner: owner } }),
      ),
    )
    // If this fails, Payload's updateMany re-checks the condition per row now: the seam could use it.
    expect(a?.length).toBe(200)
    expect(b?.length).toBe(200)
  })

  it('costs one statement per row where updateEveryMatch costs one (measured on 500 rows)', async () => {
    const rows = 500
    await createAlerts(rows)
    let started = performance.now()
    await ctx.payload.db.updateMany({ collection: 'alerts', where: { openingEmail: { equals: 'pending' } }, data: { openingEmail: 'skipped' } })
    const updateManyMs = performance.now() - started
    await ctx.payload.db.updateMany({ collection: 'alerts', where: { openingEmail: { equals: 'skipped' } }, data: { openingEmail: 'pending' } })
    started = performance.now()
    await seam.updateEveryMatch(ctx.payload, { collection: 'alerts', where: { openingEmail: { equals: 'pending' } }, data: { openingEmail: 'skipped' }, maxCalls: rows })
    const everyMatchMs = performance.now() - started
    console.log(JSON.stringify({ event: 'seam.database.measure', rows, updateManyMs: Math.round(updateManyMs), updateEveryMatchMs: Math.round(everyMatchMs) }))
    expect((await allAlerts()).every((row) => row.openingEmail === 'skipped')).toBe(true)
    expect(everyMatchMs).toBeLessThan(updateManyMs)
  })
})

describe('insertManyFast', () => {
  const deliveryRow = (webhook: number | string, n: number) => ({
    webhook,
    event: 'publish',
    collectionSlug: 'articles',
    documentId: String(n),
    body: `{"n":${n}}`,
    status: 'queued',
    attempts: 0,
    nextAttemptAt: iso(Date.now()),
  })

  it('inserts rows (a relationship and a hyphenated slug included) that read back like rows made by create', async () => {
    const webhook = await ctx.payload.db.create({
      collection: 'webhooks',
      data: { name: 'Contract', url: 'http://127.0.0.1:9/', events: ['publish'], collections: ['articles'], enabled: false },
    })
    const insert = seam.insertManyFast(ctx.payload, 'webhook-deliveries')
    expect(insert).toBeTypeOf('function')
    await insert!([deliveryRow(webhook.id, 1), deliveryRow(webhook.id, 2)])
    await ctx.payload.db.create({ collection: 'webhook-deliveries', data: deliveryRow(webhook.id, 3) })
    const { docs } = await ctx.payload.db.find({ collection: 'webhook-deliveries', where: { webhook: { equals: webhook.id } }, sort: 'documentId', limit: 0, pagination: false })
    const shape = (doc: WebhookDelivery) => {
      const { id, createdAt, updatedAt, documentId, body, ...rest } = doc
      expect(typeof id).toBe('number')
      expect(Date.parse(createdAt)).not.toBeNaN()
      expect(Date.parse(updatedAt)).not.toBeNaN()
      expect(body).toBe(`{"n":${documentId}}`)
      return { ...rest, nextAttemptAt: typeof rest.nextAttemptAt }
    }
    const shapes = (docs as unknown as WebhookDelivery[]).map(shape)
    expect(shapes).toHaveLength(3)
    expect(shapes[0]).toEqual(shapes[2])
    expect(shapes[1]).toEqual(shapes[2])
  })

  it('returns null for a collection the adapter has no table for', () => {
    expect(seam.insertManyFast(ctx.payload, 'no-such-collection' as 'alerts')).toBeNull()
  })
})

describe('claimEach', () => {
  it('moves every listed row still in one of the statuses, in one statement, and returns exactly those ids', async () => {
    const ids = await createAlerts(4)
    await ctx.payload.db.updateOne({ collection: 'alerts', id: ids[3], data: { state: 'resolved' } })
    const other = (await createAlerts(1, { key: 'worker-missing:not-listed' }))[0]
    const won = await seam.claimEach(ctx.payload, { collection: 'alerts', ids: ids.slice(0, 4), field: 'state', from: ['open'], to: 'resolved' })
    expect([...won].sort()).toEqual(ids.slice(0, 3).map(String).sort())
    const states = new Map((await allAlerts()).map((alert) => [String(alert.id), alert.state]))
    expect(ids.map((id) => states.get(String(id)))).toEqual(['resolved', 'resolved', 'resolved', 'resolved'])
    expect(states.get(String(other))).toBe('open')
    expect(await seam.claimEach(ctx.payload, { collection: 'alerts', ids, field: 'state', from: ['open'], to: 'resolved' })).toEqual(new Set())
  })

  it('gives each row to exactly one of two claims made at once', async () => {
    const ids = await createAlerts(60)
    const claim = (from: number, to: number) => seam.claimEach(ctx.payload, { collection: 'alerts', ids: ids.slice(from, to), field: 'state', from: ['open'], to: 'resolved' })
    const [first, second] = await Promise.all([claim(0, 40), claim(20, 60)])
    expect(first.size + second.size).toBe(60)
    expect([...first].filter((id) => second.has(id))).toEqual([])
  })
})

describe('isUniqueViolation', () => {
  it('recognises a duplicate refused through Payload (a ValidationError) and through the raw insert (a driver error)', async () => {
    await createAlerts(1)
    const viaCreate = await ctx.payload.db.create({ collection: 'alerts', data: alertRow(0) }).catch((error: unknown) => error)
    expect(viaCreate).toBeInstanceOf(Error)
    expect(seam.isUniqueViolation(viaCreate)).toBe(true)

    const viaInsert = await seam.insertManyFast(ctx.payload, 'alerts')!([alertRow(0)]).catch((error: unknown) => error)
    expect(viaInsert).toBeInstanceOf(Error)
    expect(seam.isUniqueViolation(viaInsert)).toBe(true)
  })

  it('does not mistake another failure for a duplicate', async () => {
    // A NOT NULL column left empty: refused by the database, but not a duplicate.
    const missing = await seam.insertManyFast(ctx.payload, 'alerts')!([{ key: 'worker-missing:x' }]).catch((error: unknown) => error)
    expect(missing).toBeInstanceOf(Error)
    expect(seam.isUniqueViolation(missing)).toBe(false)
    expect(seam.isUniqueViolation(new Error('SMTP connection timed out'))).toBe(false)
  })
})
