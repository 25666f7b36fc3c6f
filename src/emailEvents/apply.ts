import type { Payload } from 'payload'

import { writeStoredCounts } from '../../jobs/newsletters/store/newsletters'
import { countDeliveries } from '../../jobs/newsletters/store/deliveries'
import { numberFromEnv } from '../../jobs/shared/env'
import type { Delivery, EmailEvent as EmailEventRow, Subscriber } from '../../payload-types'
import { claimOne, isUniqueViolation, type Id } from '../seams/database'
import { emailKeyOf } from '../subscribers/emailAddress'
import { suppressSubscriber } from './suppress'
import type { ApplyResult, EmailEvent } from './types'

/** Soft bounces in a row (no delivery in between) after which an address is suppressed. */
export const softBounceLimit = () => Math.max(1, numberFromEnv('EMAIL_SOFT_BOUNCE_LIMIT', 3))

type KnownSubscriber = Pick<Subscriber, 'id' | 'emailKey' | 'status' | 'suppressionLiftedAt'>
type MatchedDelivery = Pick<Delivery, 'id' | 'newsletter' | 'subscriber' | 'status' | 'messageId'>

const keyOf = (event: EmailEvent) => `${event.provider}:${event.eventId}`.slice(0, 300)
const bare = (messageId: string) => messageId.trim().replace(/^<|>$/g, '')
const idOf = (value: unknown): Id | null => (value && typeof value === 'object' ? (value as { id: Id }).id : ((value as Id | null | undefined) ?? null))

// What a report does to the delivery it names: outcomes already final for another reason stay.
const DELIVERY_MOVES = {
  hard_bounce: { from: ['sent', 'unknown', 'sending'], to: 'bounced' },
  soft_bounce: { from: ['sent', 'unknown', 'sending'], to: 'bounced' },
  complaint: { from: ['sent', 'unknown', 'sending', 'bounced'], to: 'complained' },
} as const

/**
 * Acts on verified provider events (src/emailEvents/providers), a batch at a time: three reads
 * for the whole batch (events already seen, the subscribers, the deliveries named), then per
 * new event for a known address: the ledger row (`email-events`, unique by provider and event
 * id: the same event twice has no second effect), the delivery's outcome, and suppression:
 * - hard bounce: suppressed at once;
 * - soft bounce: suppressed once `EMAIL_SOFT_BOUNCE_LIMIT` of them arrived since the last
 *   delivery that went through (or since a lift);
 * - complaint: `complained`, all mail stops at once, counted in the newsletter's report.
 * Events for unknown addresses change nothing and are not kept.
 */
export const applyEmailEvents = async (payload: Payload, events: EmailEvent[]): Promise<ApplyResult> => {
  const result: ApplyResult = { applied: 0, duplicates: 0, unknownAddress: 0, ignored: 0 }
  const fresh = new Map<string, EmailEvent>()
  for (const event of events) {
    const key = keyOf(event)
    if (fresh.has(key)) result.duplicates++
    else fresh.set(key, event)
  }
  if (!fresh.size) return result

  const seen = await payload.db.find<Pick<EmailEventRow, 'eventKey'>>({
    collection: 'email-events',
    where: { eventKey: { in: [...fresh.keys()] } },
    select: { eventKey: true },
    limit: 0,
    pagination: false,
  })
  for (const row of seen.docs) if (fresh.delete(row.eventKey)) result.duplicates++

  const mailboxes = [...new Set([...fresh.values()].map((event) => emailKeyOf(event.email.trim())))]
  const subscribers = mailboxes.length
    ? await payload.db.find<KnownSubscriber>({
        collection: 'subscribers',
        where: { emailKey: { in: mailboxes } },
        select: { emailKey: true, status: true, suppressionLiftedAt: true },
        limit: 0,
        pagination: false,
      })
    : { docs: [] }
  const byMailbox = new Map(subscribers.docs.map((subscriber) => [subscriber.emailKey, subscriber]))

  const messageIds = [...new Set([...fresh.values()].flatMap((event) => (event.messageId ? [bare(event.messageId), `<${bare(event.messageId)}>`] : [])))]
  const deliveries = messageIds.length
    ? await payload.db.find<MatchedDelivery>({
        collection: 'deliveries',
        where: { messageId: { in: messageIds } },
        select: { newsletter: true, subscriber: true, status: true, messageId: true },
        limit: 0,
        pagination: false,
      })
    : { docs: [] }
  const byMessageId = new Map(deliveries.docs.map((delivery) => [bare(delivery.messageId ?? ''), delivery]))

  const touchedNewsletters = new Set<string>()
  const ordered = [...fresh.entries()].sort(([, a], [, b]) => a.occurredAt.localeCompare(b.occurredAt))
  for (const [eventKey, event] of ordered) {
    const subscriber = byMailbox.get(emailKeyOf(event.email.trim()))
    if (!subscriber) {
      result.unknownAddress++
      continue
    }
    const delivery = event.messageId
      ? byMessageId.get(bare(event.messageId))
      : event.type === 'soft_bounce'
        ? undefined
        : await latestDeliveryBefore(payload, subscriber, event)
    // A Message-ID names a delivery only if it went to this subscriber.
    const ours = delivery && String(idOf(delivery.subscriber)) === String(subscriber.id) ? delivery : undefined
    try {
      await payload.db.create({
        collection: 'email-events',
        data: {
          eventKey,
          provider: event.provider,
          type: event.type,
          email: event.email.slice(0, 254),
          subscriber: subscriber.id,
          newsletter: ours ? idOf(ours.newsletter) : null,
          messageId: event.messageId ? bare(event.messageId).slice(0, 300) : null,
          reason: event.reason?.slice(0, 500) || null,
          occurredAt: event.occurredAt,
        },
        returning: false,
      })
    } catch (error) {
      // The same event in another request at the same moment: that one applies it.
      if (isUniqueViolation(error)) {
        result.duplicates++
        continue
      }
      throw error
    }
    if (ours) {
      const move = DELIVERY_MOVES[event.type]
      const moved = await claimOne(payload, {
        collection: 'deliveries',
        id: ours.id,
        when: { status: { in: [...move.from] } },
        data: { status: move.to, lastError: `${event.type.replace('_', ' ')} reported by ${event.provider}${event.reason ? `: ${event.reason.slice(0, 200)}` : ''}` },
      })
      if (moved) touchedNewsletters.add(String(idOf(ours.newsletter)))
    }
    const effect = await suppressFor(payload, event, subscriber)
    await payload.db.updateOne({ collection: 'email-events', where: { eventKey: { equals: eventKey } }, data: { effect }, returning: false })
    result.applied++
  }
  // Reports read the newsletter's stored counts: brought up to date for the ones touched.
  for (const id of touchedNewsletters) await writeStoredCounts(payload, id, await countDeliveries(payload, id))
  return result
}

// A report a little ahead of the send's recorded time is clock skew between us and the provider.
const CLOCK_SKEW_MS = 5 * 60 * 1000

/**
 * The delivery a report without a Message-ID is about (Postmark names only its own message id,
 * a generic sender may name none): the subscriber's newest newsletter delivery sent before the
 * report. With a Message-ID that matches nothing (a confirmation email, say) no delivery is
 * guessed, and neither for a soft bounce: the guess could mark a newsletter that did arrive as
 * bounced, which would also hide it from the soft-bounce streak as "the last one that went
 * through".
 */
const latestDeliveryBefore = async (payload: Payload, subscriber: KnownSubscriber, event: EmailEvent): Promise<MatchedDelivery | undefined> => {
  const before = new Date(Date.parse(event.occurredAt) + CLOCK_SKEW_MS).toISOString()
  const { docs } = await payload.db.find<MatchedDelivery>({
    collection: 'deliveries',
    where: {
      and: [
        { subscriber: { equals: subscriber.id } },
        { status: { in: DELIVERY_MOVES[event.type].from.filter((status) => status !== 'sending') } },
        { sentAt: { less_than_equal: before } },
      ],
    },
    select: { newsletter: true, subscriber: true, status: true, messageId: true },
    sort: '-sentAt',
    limit: 1,
    pagination: false,
  })
  return docs[0]
}

const suppressFor = async (payload: Payload, event: EmailEvent, subscriber: KnownSubscriber): Promise<string> => {
  const base = { subscriberId: subscriber.id, email: event.email, source: event.provider, reason: event.reason, at: event.occurredAt }
  if (event.type === 'complaint') {
    return (await suppressSubscriber(payload, { ...base, kind: 'complaint' })) ? 'suppressed (complaint)' : 'nothing (already complained)'
  }
  if (subscriber.status === 'bounced' || subscriber.status === 'complained') return 'nothing (already suppressed)'
  if (event.type === 'hard_bounce') {
    return (await suppressSubscriber(payload, { ...base, kind: 'hard_bounce' })) ? 'suppressed (hard bounce)' : 'nothing (already suppressed)'
  }
  const streak = await softBounceStreak(payload, subscriber)
  const limit = softBounceLimit()
  if (streak < limit) return `counted (soft bounce ${streak} of ${limit})`
  return (await suppressSubscriber(payload, { ...base, kind: 'soft_bounces', reason: `${streak} soft bounces in a row${event.reason ? `; last: ${event.reason}` : ''}` }))
    ? `suppressed (${streak} soft bounces in a row)`
    : 'nothing (already suppressed)'
}

/**
 * Soft bounces of this subscriber since the newest delivery that went through (still `sent`:
 * a bounced one is marked `bounced`) or since their last lift, whichever is later.
 */
const softBounceStreak = async (payload: Payload, subscriber: KnownSubscriber): Promise<number> => {
  const lastDelivered = await payload.db.find<Pick<Delivery, 'sentAt'>>({
    collection: 'deliveries',
    where: { and: [{ subscriber: { equals: subscriber.id } }, { status: { equals: 'sent' } }] },
    select: { sentAt: true },
    sort: '-sentAt',
    limit: 1,
    pagination: false,
  })
  const since = [lastDelivered.docs[0]?.sentAt, subscriber.suppressionLiftedAt].filter((at): at is string => !!at).sort().pop()
  const { totalDocs } = await payload.db.count({
    collection: 'email-events',
    where: { and: [{ subscriber: { equals: subscriber.id } }, { type: { equals: 'soft_bounce' } }, ...(since ? [{ occurredAt: { greater_than: since } }] : [])] },
  })
  return totalDocs
}
