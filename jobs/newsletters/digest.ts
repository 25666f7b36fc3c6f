import { TZDate } from '@date-fns/tz'
import cron, { type ScheduledTask } from 'node-cron'
import type { Payload } from 'payload'

import type { Clinic, Newsletter } from '../../payload-types'

type DigestSettings = NonNullable<Clinic['newsletterDigest']>

/**
 * The weekly digest: at the clinic's chosen day and time (clinic-local, so daylight
 * saving never moves it), a `digest` newsletter of the articles published since the
 * previous digest, scheduled to send at once; skipped when there are none.
 *
 * Every worker checks on its own clock, so exactly-once rests on a claim, not on timing:
 * - **Slot**: the latest clinic-local "day at time" instant at or before now. A digest is
 *   due when `lastDigestAt` is before the slot.
 * - **Period**: (`lastDigestAt`, slot]: contiguous, and the same whichever worker computes it.
 * - **Claim**: inserting the key `newsletter-digest:<slot>` into Payload's key-value
 *   collection (`payload-kv`, unique on `key` in both adapters). One insert wins; the
 *   others fail on the unique index and do nothing. The global cannot be updated
 *   conditionally (`payload.db.updateGlobal` has no `where`), a row insert can be unique.
 * - The winner creates the newsletter (when there are articles) and then moves
 *   `lastDigestAt` to the slot. A crash between claim and creation skips that week's
 *   digest instead of risking two: `lastDigestAt` has not moved, so the next digest
 *   covers both weeks.
 * - The first time the digest is seen enabled, `lastDigestAt` is set to the latest slot
 *   and nothing is sent: the first digest goes out at the next slot with that week's articles.
 */

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const

export const DIGEST_CLAIM_PREFIX = 'newsletter-digest:'
/** The most articles one digest lists (newest first); a quiet clinic never comes close. */
const MAX_ARTICLES = 30

/** The latest instant at or before `now` that is `day` at `time` in `timeZone`. */
export const latestDigestSlot = (now: Date, day: string, time: string, timeZone: string): Date => {
  const [hour, minute] = time.split(':').map(Number) as [number, number]
  const target = WEEKDAYS.indexOf(day as (typeof WEEKDAYS)[number])
  if (target < 0 || !Number.isFinite(hour) || !Number.isFinite(minute)) throw new Error(`Invalid digest schedule: ${day} ${time}`)
  const local = new TZDate(now.getTime(), timeZone)
  const daysBack = (local.getDay() - target + 7) % 7
  // Wall-clock construction in the zone: DST-correct (a skipped hour moves forward).
  let slot = new TZDate(local.getFullYear(), local.getMonth(), local.getDate() - daysBack, hour, minute, 0, timeZone)
  if (slot.getTime() > now.getTime()) {
    slot = new TZDate(local.getFullYear(), local.getMonth(), local.getDate() - daysBack - 7, hour, minute, 0, timeZone)
  }
  return new Date(slot.getTime())
}

export type DigestOutcome =
  | { outcome: 'disabled' | 'not-due' | 'claimed-elsewhere' }
  | { outcome: 'initialised'; slot: Date }
  | { outcome: 'skipped-empty'; slot: Date }
  | { outcome: 'created'; slot: Date; newsletter: Newsletter }

/** Inserts the slot's claim; false when another worker inserted it first. */
const claimSlot = async (payload: Payload, slot: Date): Promise<boolean> => {
  const key = `${DIGEST_CLAIM_PREFIX}${slot.toISOString()}`
  try {
    await payload.db.create({ collection: 'payload-kv', data: { key, data: { claimedAt: new Date().toISOString(), pid: process.pid } } })
    return true
  } catch (error) {
    // Lost the race (unique index), or a real failure: tell them apart by looking.
    const existing = await payload.db.findOne({ collection: 'payload-kv', where: { key: { equals: key } } })
    if (existing) return false
    throw error
  }
}

const moveLastDigestAt = (payload: Payload, settings: DigestSettings, slot: Date) =>
  payload.updateGlobal({
    slug: 'clinic',
    data: { newsletterDigest: { ...settings, lastDigestAt: slot.toISOString() } },
    depth: 0,
    overrideAccess: true,
  })

/**
 * Called on every digest tick by each worker (see `startDigestClock`); cheap when nothing
 * is due (one global read). Creates at most one digest per slot across all workers.
 */
export const createDueDigest = async (payload: Payload, now: Date = new Date()): Promise<DigestOutcome> => {
  const clinic = await payload.findGlobal({ slug: 'clinic', depth: 0, overrideAccess: true })
  const settings = clinic.newsletterDigest
  if (!settings?.enabled) return { outcome: 'disabled' }
  const slot = latestDigestSlot(now, settings.day ?? 'thursday', settings.time ?? '08:00', clinic.timezone || 'UTC')
  const last = settings.lastDigestAt ? new Date(settings.lastDigestAt) : null
  if (last && last.getTime() >= slot.getTime()) return { outcome: 'not-due' }

  if (!last) {
    // Just enabled: start counting from the latest slot; nothing to send yet.
    if (!(await claimSlot(payload, slot))) return { outcome: 'claimed-elsewhere' }
    await moveLastDigestAt(payload, settings, slot)
    return { outcome: 'initialised', slot }
  }

  if (!(await claimSlot(payload, slot))) return { outcome: 'claimed-elsewhere' }

  const { docs: articles } = await payload.find({
    collection: 'articles',
    where: {
      and: [
        { _status: { equals: 'published' } },
        { publishedAt: { greater_than: last.toISOString() } },
        { publishedAt: { less_than_equal: slot.toISOString() } },
      ],
    },
    sort: '-publishedAt',
    select: { title: true },
    depth: 0,
    draft: false,
    overrideAccess: true,
    limit: MAX_ARTICLES,
  })

  if (!articles.length) {
    await moveLastDigestAt(payload, settings, slot)
    payload.logger.info({ event: 'newsletter.digest.skipped', slot: slot.toISOString(), reason: 'no new articles' })
    return { outcome: 'skipped-empty', slot }
  }

  const newsletter = await payload.create({
    collection: 'newsletters',
    data: {
      subject: `New this week from ${clinic.name}`,
      template: 'digest',
      featuredArticles: articles.map((doc) => doc.id),
      digestSince: last.toISOString(),
      audience: 'all',
      status: 'scheduled',
      sendAt: now.toISOString(),
    },
    depth: 0,
    overrideAccess: true,
  })
  await moveLastDigestAt(payload, settings, slot)
  payload.logger.info({ event: 'newsletter.digest.created', slot: slot.toISOString(), newsletter: newsletter.id, articles: articles.length })
  return { outcome: 'created', slot, newsletter }
}

/**
 * The worker's digest clock (`DIGEST_TICK`, node-cron with seconds; default every
 * minute at :15). A failed check is logged and tried again on the next tick.
 */
export const startDigestClock = (payload: Payload): ScheduledTask =>
  cron.schedule(
    process.env.DIGEST_TICK || '15 * * * * *',
    async () => {
      try {
        await createDueDigest(payload)
      } catch (error) {
        payload.logger.error({ event: 'newsletter.digest.error', error: (error as Error).message })
      }
    },
    { noOverlap: true },
  )
