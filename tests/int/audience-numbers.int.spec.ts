import { createLocalReq, Forbidden } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Subscriber, User } from '../../payload-types'
import { createStaff } from '../helpers/fixtures'
import { startTestPayload, type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'

let ctx: TestPayload
let staff: { admin: User; editor: User }
let audience: typeof import('../../src/subscribers/audienceCounts')

const CHICAGO = 'America/Chicago'
// 15 March 2026: Chicago has been on daylight time (UTC-5) since 8 March.
const NOW = new Date('2026-03-15T17:00:00Z')
// 1 March 2026 00:00 in Chicago is 06:00 UTC (still CST, UTC-6, on 1 March).
const MONTH_START = '2026-03-01T06:00:00.000Z'

const seeded: Array<{ status: Subscriber['status']; createdAt: string }> = [
  { status: 'confirmed', createdAt: '2026-03-10T15:00:00.000Z' },
  { status: 'confirmed', createdAt: '2026-02-20T15:00:00.000Z' },
  { status: 'confirmed', createdAt: '2025-12-01T15:00:00.000Z' },
  { status: 'pending', createdAt: '2026-03-14T15:00:00.000Z' },
  // 1 March 00:30 in Chicago: this month on the clinic's clock.
  { status: 'pending', createdAt: '2026-03-01T06:30:00.000Z' },
  // 28 February 23:30 in Chicago, although already 1 March in UTC: last month.
  { status: 'unsubscribed', createdAt: '2026-03-01T05:30:00.000Z' },
  { status: 'bounced', createdAt: '2026-01-05T15:00:00.000Z' },
  { status: 'complained', createdAt: '2026-03-02T15:00:00.000Z' },
]

const staffReq = (user: User) => createLocalReq({ user: { ...user, collection: 'users' } as never }, ctx.payload)

beforeAll(async () => {
  ctx = await startTestPayload('audience-numbers')
  audience = await import('../../src/subscribers/audienceCounts')
  staff = await createStaff(ctx.payload)
  await ctx.payload.updateGlobal({ slug: 'clinic', data: { name: 'Clinic', bookingUrl: 'https://example.com/book', timezone: CHICAGO } })
  for (const [index, { status, createdAt }] of seeded.entries()) {
    // Payload keeps a createdAt it is given (an import's sign-up date, here a past one).
    await ctx.payload.create({ collection: 'subscribers', data: { email: `person${index}@example.test`, status, createdAt } })
  }
})

afterAll(() => stopTestPayloadIfStarted(ctx))

/** The same numbers from the rows themselves, loaded and tallied here. */
const tallyRows = async () => {
  const { docs } = await ctx.payload.find({ collection: 'subscribers', pagination: false, depth: 0, overrideAccess: true })
  const byStatus = Object.fromEntries(['pending', 'confirmed', 'unsubscribed', 'bounced', 'complained'].map((status) => [status, docs.filter((doc) => doc.status === status).length]))
  const newThisMonth = docs.filter((doc) => new Date(doc.createdAt).getTime() >= Date.parse(MONTH_START)).length
  return { byStatus, total: docs.length, newThisMonth }
}

describe('audience numbers', () => {
  it('starts "this month" at midnight on the first, on the clinic clock', () => {
    expect(audience.startOfClinicMonth(NOW, CHICAGO).toISOString()).toBe(MONTH_START)
    expect(audience.startOfClinicMonth(new Date('2026-07-01T04:59:00Z'), CHICAGO).toISOString()).toBe('2026-06-01T05:00:00.000Z')
    expect(audience.startOfClinicMonth(NOW, 'UTC').toISOString()).toBe('2026-03-01T00:00:00.000Z')
  })

  it('counts subscribers by status and new this month, matching the rows', async () => {
    const counts = await audience.countAudience(await staffReq(staff.editor), { timeZone: CHICAGO, now: NOW })
    expect(counts.byStatus).toEqual({ confirmed: 3, pending: 2, unsubscribed: 1, bounced: 1, complained: 1 })
    expect(counts.total).toBe(8)
    // 10 March, 14 March, 1 March 00:30 and 2 March (Chicago); not 28 February 23:30.
    expect(counts.newThisMonth).toBe(4)
    expect(counts.monthStart.toISOString()).toBe(MONTH_START)
    expect({ byStatus: counts.byStatus, total: counts.total, newThisMonth: counts.newThisMonth }).toEqual(await tallyRows())
  })

  it('follows the clinic zone: in UTC the 05:30 signup is this month', async () => {
    const counts = await audience.countAudience(await staffReq(staff.admin), { timeZone: 'UTC', now: NOW })
    expect(counts.newThisMonth).toBe(5)
  })

  it('follows changes: a status change and an erasure move the numbers, and the erasure is remembered', async () => {
    const pending = await ctx.payload.find({ collection: 'subscribers', where: { status: { equals: 'pending' } }, limit: 1, depth: 0 })
    await ctx.payload.update({ collection: 'subscribers', id: pending.docs[0].id, data: { status: 'confirmed' } })
    const confirmed = await ctx.payload.find({ collection: 'subscribers', where: { status: { equals: 'confirmed' } }, limit: 1, depth: 0 })
    await ctx.payload.delete({ collection: 'subscribers', id: confirmed.docs[0].id })

    const counts = await audience.countAudience(await staffReq(staff.admin), { timeZone: CHICAGO, now: NOW })
    expect(counts.byStatus.confirmed).toBe(3)
    expect(counts.byStatus.pending).toBe(1)
    expect(counts.total).toBe(7)
    expect({ byStatus: counts.byStatus, total: counts.total, newThisMonth: counts.newThisMonth }).toEqual(await tallyRows())
    const stats = await ctx.payload.findGlobal({ slug: 'audience-stats' })
    expect(stats).toMatchObject({ erasedSubscribers: 1, erasedWhileConfirmed: 1 })
  })

  it('gives no numbers to anyone but staff', async () => {
    await expect(audience.countAudience(await createLocalReq({}, ctx.payload), { timeZone: CHICAGO })).rejects.toBeInstanceOf(Forbidden)
  })
})

describe('erasures counted at once', () => {
  it('two subscribers erased at the same moment count two (the counter is one atomic increment)', async () => {
    const before = await ctx.payload.findGlobal({ slug: 'audience-stats' })
    const people = await Promise.all(
      ['erased-together-1', 'erased-together-2'].map((name) =>
        ctx.payload.create({ collection: 'subscribers', data: { email: `${name}@example.test`, status: 'confirmed' } }),
      ),
    )
    await Promise.all(people.map((person) => ctx.payload.delete({ collection: 'subscribers', id: person.id })))
    const after = await ctx.payload.findGlobal({ slug: 'audience-stats' })
    expect((after.erasedSubscribers ?? 0) - (before.erasedSubscribers ?? 0)).toBe(2)
    expect((after.erasedWhileConfirmed ?? 0) - (before.erasedWhileConfirmed ?? 0)).toBe(2)
  })
})
