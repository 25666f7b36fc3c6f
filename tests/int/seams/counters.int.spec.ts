import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startTestPayload, type TestPayload, stopTestPayloadIfStarted } from '../../helpers/payload'

/**
 * The contract of src/seams/counters.ts on a real database: increments of a global's
 * numbers made at the same moment all count, a global never saved yet starts from zero, and
 * the other fields stay as they were. A failure after a Payload upgrade means the seam must change.
 */
let ctx: TestPayload
let seam: typeof import('../../../src/seams/counters')

beforeAll(async () => {
  ctx = await startTestPayload('seam-global-counters')
  seam = await import('../../../src/seams/counters')
})

afterAll(() => stopTestPayloadIfStarted(ctx))

const stats = () => ctx.payload.findGlobal({ slug: 'audience-stats', depth: 0 })

describe('incrementGlobalNumbers', () => {
  it('starts from zero: the row exists from the start (ensureCounterRows in onInit), so the first increments made at once land in one row', async () => {
    expect((await ctx.payload.db.findGlobal({ slug: 'audience-stats' })) as Record<string, unknown>).toMatchObject({
      erasedSubscribers: 0,
      erasedWhileConfirmed: 0,
      purgedUnconfirmed: 0,
    })
    await Promise.all(Array.from({ length: 4 }, () => seam.incrementGlobalNumbers(ctx.payload, 'audience-stats', { erasedSubscribers: 1, erasedWhileConfirmed: 0 })))
    expect(await stats()).toMatchObject({ erasedSubscribers: 4, erasedWhileConfirmed: 0 })
    // A second start finds the row and leaves it alone.
    await seam.ensureCounterRows(ctx.payload, ['audience-stats'])
    expect(await stats()).toMatchObject({ erasedSubscribers: 4 })
  })

  it('counts every one of many increments made at once (one atomic write each, no read-then-write)', async () => {
    const before = await stats()
    await Promise.all(Array.from({ length: 20 }, (_, n) => seam.incrementGlobalNumbers(ctx.payload, 'audience-stats', { erasedSubscribers: 1, erasedWhileConfirmed: n % 2 })))
    const after = await stats()
    expect(after.erasedSubscribers! - before.erasedSubscribers!).toBe(20)
    expect(after.erasedWhileConfirmed! - before.erasedWhileConfirmed!).toBe(10)
  })

  it('leaves the other numbers alone, and fills a field that is still empty', async () => {
    await ctx.payload.db.updateGlobal({ slug: 'audience-stats', data: { erasedWhileConfirmed: null } })
    const before = await stats()
    await seam.incrementGlobalNumbers(ctx.payload, 'audience-stats', { erasedWhileConfirmed: 2 })
    expect(await stats()).toMatchObject({ erasedSubscribers: before.erasedSubscribers, erasedWhileConfirmed: 2 })
  })
})

describe('incrementNumbers', () => {
  it('counts every one of many increments of one document made at once, fills an empty field, and says when there is no document', async () => {
    const doc = await ctx.payload.db.create({ collection: 'subscribers', data: { email: 'counted@example.test', emailKey: 'counted@example.test', status: 'confirmed', bounceCount: null } })
    await Promise.all(Array.from({ length: 10 }, () => seam.incrementNumbers(ctx.payload, 'subscribers', doc.id, { bounceCount: 1 })))
    const after = await ctx.payload.db.findOne<{ id: number; bounceCount: number; status: string }>({ collection: 'subscribers', where: { id: { equals: doc.id } } })
    expect(after).toMatchObject({ bounceCount: 10, status: 'confirmed' })
    expect(await seam.incrementNumbers(ctx.payload, 'subscribers', 999_999, { bounceCount: 1 })).toBe(false)
  })
})
