import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { stopMailingTest } from '../helpers/outgoingMail'
import type { TestPayload } from '../helpers/payload'
import { decodedMail, linkIn, mailsTo, openAndConfirm } from '../helpers/subscriberPages'
import { startSubscriberTest, type SubscriberTest } from '../helpers/subscriberTest'
import { clientAddressHeaders } from '../../src/security/clientIp'
import type { Subscriber } from '../../payload-types'

/**
 * What happens to a signup nobody confirms (jobs/subscribers, src/subscribers/upkeep.ts), on
 * a clock the test sets: one reminder SUBSCRIBE_REMINDER_HOURS (48) after the confirmation
 * email, never a second, with a link that confirms; then, SUBSCRIBE_PENDING_DAYS (30) after
 * it, the subscriber is deleted as an erasure is, leaving only anonymous counts. Real signups
 * through the REST route, real mail at an SMTP sink, the worker's own pipeline class.
 */
let ctx: TestPayload, sink: SubscriberTest['sink'], http: SubscriberTest['http'], service: SubscriberTest['service'], confirmRoute: SubscriberTest['confirmRoute']
let SubscriberUpkeep: typeof import('../../jobs/subscribers/upkeep').SubscriberUpkeep
let ip = 0
const HOUR = 3_600_000
const DAY = 24 * HOUR

beforeAll(async () => {
  ;({ sink, ctx, http, service, confirmRoute } = await startSubscriberTest('subscriber-upkeep', { SUBSCRIBE_REMINDER_HOURS: undefined, SUBSCRIBE_PENDING_DAYS: undefined }))
  SubscriberUpkeep = (await import('../../jobs/subscribers/upkeep')).SubscriberUpkeep
  await ctx.payload.updateGlobal({ slug: 'clinic', data: { name: 'Stevenson Clinic', bookingUrl: 'https://example.com/book', timezone: 'America/Chicago' } })
})

afterAll(() => stopMailingTest(ctx, sink))

const subscribe = async (email: string) => {
  const response = await http.api('POST', '/subscribe', { body: { email }, headers: clientAddressHeaders(`10.61.0.${++ip}`) })
  expect(response.status).toBe(202)
  await service.signupsSettled()
}
const row = async (email: string) =>
  (await ctx.payload.find({ collection: 'subscribers', where: { emailKey: { equals: email.toLowerCase() } }, overrideAccess: true, depth: 0, limit: 1 })).docs[0] as
    | Subscriber
    | undefined
const reminders = (email: string) => mailsTo(sink.messages, email).filter((mail) => /^Subject: Reminder/im.test(decodedMail(mail.raw)))
/** The worker's upkeep round, with the clock `ms` ahead of now. */
const upkeepIn = (ms: number, config: Record<string, number> = {}) => new SubscriberUpkeep(ctx.payload, config, { now: () => new Date(Date.now() + ms) })
const stats = async () => (await ctx.payload.findGlobal({ slug: 'audience-stats', overrideAccess: true })) as { erasedSubscribers?: number; purgedUnconfirmed?: number }

describe('the reminder', () => {
  it('goes once, SUBSCRIBE_REMINDER_HOURS (48) after the confirmation email, however many workers run; its link confirms', async () => {
    const address = 'forgot.to.click@example.com'
    await subscribe(address)
    expect(mailsTo(sink.messages, address)).toHaveLength(1)

    await upkeepIn(47 * HOUR).runOnce()
    expect(reminders(address)).toHaveLength(0)

    // Three workers take their round at the same moment, 49 hours on: one reminder.
    await Promise.all([upkeepIn(49 * HOUR).runOnce(), upkeepIn(49 * HOUR).runOnce(), upkeepIn(49 * HOUR).runOnce()])
    expect(reminders(address)).toHaveLength(1)
    expect((await row(address))!.reminderSentAt).toBeTruthy()
    const outbox = await ctx.payload.find({ collection: 'transactional-emails', where: { to: { equals: address } }, sort: 'createdAt', overrideAccess: true })
    expect(outbox.docs.map((doc) => [doc.kind, doc.status])).toEqual([
      ['confirmation', 'sent'],
      ['reminder', 'sent'],
    ])
    const mail = decodedMail(reminders(address)[0].raw)
    expect(mail).toMatch(/only reminder/)

    // Days later, still one.
    await upkeepIn(10 * DAY).runOnce()
    expect(reminders(address)).toHaveLength(1)

    const confirmed = await openAndConfirm(confirmRoute, linkIn(reminders(address)[0].raw, '/email/confirm'))
    expect(confirmed.status).toBe(200)
    expect(await row(address)).toMatchObject({ status: 'confirmed' })
  })

  it('is not sent again for the same signup, even after signing up again; a new signup (after unsubscribing) may get its own', async () => {
    const address = 'signs.up.twice@example.com'
    await subscribe(address)
    await upkeepIn(49 * HOUR).runOnce()
    expect(reminders(address)).toHaveLength(1)
    await subscribe(address) // the same signup, still pending: a second confirmation email, no second reminder
    expect(mailsTo(sink.messages, address)).toHaveLength(3)
    await upkeepIn(5 * DAY).runOnce()
    expect(reminders(address)).toHaveLength(1)

    // Unsubscribed, then signs up anew: that signup gets a reminder of its own.
    const subscriber = (await row(address))!
    await service.unsubscribe(ctx.payload, subscriber)
    await subscribe(address)
    expect((await row(address))!.reminderSentAt ?? null).toBeNull()
    await upkeepIn(49 * HOUR).runOnce()
    expect(reminders(address)).toHaveLength(2)
  })

  it('never goes to a confirmed subscriber, nor with SUBSCRIBE_REMINDER_HOURS=0', async () => {
    const confirmedAddress = 'clicked.at.once@example.com'
    await subscribe(confirmedAddress)
    expect((await openAndConfirm(confirmRoute, linkIn(mailsTo(sink.messages, confirmedAddress)[0].raw, '/email/confirm'))).status).toBe(200)
    await upkeepIn(49 * HOUR).runOnce()
    expect(reminders(confirmedAddress)).toHaveLength(0)

    const address = 'no.reminders.here@example.com'
    await subscribe(address)
    process.env.SUBSCRIBE_REMINDER_HOURS = '0'
    try {
      await upkeepIn(49 * HOUR).runOnce()
      await upkeepIn(20 * DAY).runOnce()
    } finally {
      delete process.env.SUBSCRIBE_REMINDER_HOURS
    }
    expect(reminders(address)).toHaveLength(0)
    expect((await row(address))!.reminderSentAt ?? null).toBeNull()
  })
})

describe('signups nobody confirmed', () => {
  it('are deleted SUBSCRIBE_PENDING_DAYS (30) after their confirmation email, with their mail; only anonymous counts remain', async () => {
    const address = 'never.confirmed@example.com'
    await subscribe(address)
    const kept = 'confirmed.long.ago@example.com'
    await ctx.payload.create({ collection: 'subscribers', data: { email: kept, status: 'confirmed', confirmedAt: new Date().toISOString() } as never, overrideAccess: true })
    const before = await stats()
    const id = (await row(address))!.id
    expect((await ctx.payload.find({ collection: 'transactional-emails', where: { subscriber: { equals: id } }, overrideAccess: true })).docs.length).toBeGreaterThan(0)

    await upkeepIn(29 * DAY).runOnce()
    expect(await row(address)).toBeDefined()

    await Promise.all([upkeepIn(31 * DAY).runOnce(), upkeepIn(31 * DAY).runOnce()])
    expect(await row(address)).toBeUndefined()
    expect(await row(kept)).toMatchObject({ status: 'confirmed' })
    expect((await ctx.payload.find({ collection: 'transactional-emails', where: { subscriber: { equals: id } }, overrideAccess: true })).docs).toHaveLength(0)
    expect((await ctx.payload.find({ collection: 'transactional-emails', where: { to: { equals: address } }, overrideAccess: true })).docs).toHaveLength(0)
    const after = await stats()
    // Every pending signup of this file is older than 30 days on that clock: each went, each counted once.
    const purged = (after.purgedUnconfirmed ?? 0) - (before.purgedUnconfirmed ?? 0)
    expect(purged).toBeGreaterThanOrEqual(1)
    expect((after.erasedSubscribers ?? 0) - (before.erasedSubscribers ?? 0)).toBe(purged)
    const pendingLeft = await ctx.payload.count({ collection: 'subscribers', where: { status: { equals: 'pending' } }, overrideAccess: true })
    expect(pendingLeft.totalDocs).toBe(0)
  })

  it('rounds that find the same rows at once erase and count each row once; a claim another round holds stays, a stale one is taken over', async () => {
    const { purgeUnconfirmedSubscribers } = await import('../../src/subscribers/upkeep')
    const fortyDaysAgo = new Date(Date.now() - 40 * DAY).toISOString()
    const ids: Array<number | string> = []
    for (let i = 0; i < 12; i++) {
      const created = await ctx.payload.create({ collection: 'subscribers', data: { email: `race.${i}@example.com`, status: 'pending' } as never, overrideAccess: true })
      ids.push(created.id)
    }
    for (const id of ids) {
      await ctx.payload.db.updateOne({ collection: 'subscribers', id, data: { confirmationRequestedAt: fortyDaysAgo, confirmationNonce: `nonce-${id}` } })
    }
    // Another round is deleting the first row right now; the round that claimed the second died 11 minutes ago.
    await ctx.payload.db.updateOne({ collection: 'subscribers', id: ids[0], data: { confirmationNonce: `purge:${new Date().toISOString()}:busy-round` } })
    await ctx.payload.db.updateOne({ collection: 'subscribers', id: ids[1], data: { confirmationNonce: `purge:${new Date(Date.now() - 11 * 60_000).toISOString()}:dead-round` } })
    const before = await stats()
    const clock = { now: new Date(), batchSize: 50 }
    const purged = await Promise.all([1, 2, 3, 4].map(() => purgeUnconfirmedSubscribers(ctx.payload, 30, clock)))
    const after = await stats()
    expect(purged.reduce((sum, count) => sum + count, 0)).toBe(11)
    expect((after.purgedUnconfirmed ?? 0) - (before.purgedUnconfirmed ?? 0)).toBe(11)
    expect((after.erasedSubscribers ?? 0) - (before.erasedSubscribers ?? 0)).toBe(11)
    const left = await ctx.payload.find({ collection: 'subscribers', where: { id: { in: ids } }, overrideAccess: true, depth: 0 })
    expect(left.docs.map((doc) => doc.id)).toEqual([ids[0]])
    await ctx.payload.delete({ collection: 'subscribers', id: ids[0], overrideAccess: true })
  })

  it('a signup again restarts the count: the old signup date does not delete a fresh one', async () => {
    const address = 'came.back.later@example.com'
    await subscribe(address)
    // Its first confirmation email was 40 days ago (set on the row, as if it had been).
    const id = (await row(address))!.id
    await ctx.payload.db.updateOne({ collection: 'subscribers', id, data: { confirmationRequestedAt: new Date(Date.now() - 40 * DAY).toISOString() } })
    await subscribe(address) // now again
    await upkeepIn(DAY).runOnce()
    expect(await row(address)).toMatchObject({ status: 'pending' })
  })
})
