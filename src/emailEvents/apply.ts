import type { Payload } from 'payload'

import { writeStoredCounts } from '../../jobs/newsletters/store/newsletters'
import { countDeliveries } from '../../jobs/newsletters/store/deliveries'
import { numberFromEnv } from '../../jobs/shared/env'
import type { Delivery, EmailEvent as EmailEventRow, Subscriber } from '../../payload-types'
import { claimOne, insertManyFast, isUniqueViolation, type Id } from '../seams/database'
import { emailKeyOf } from '../subscribers/emailAddress'
import { suppressSubscribers, type SuppressionRequest } from './suppress'
import type { ApplyResult, EmailEvent } from './types'

/** Soft bounces in a row (no delivery in between) after which an address is suppressed. */
export const softBounceLimit = () => Math.max(1, numberFromEnv('EMAIL_SOFT_BOUNCE_LIMIT', 3))

type KnownSubscriber = Pick<Subscriber, 'id' | 'emailKey' | 'status' | 'suppressionLiftedAt'>
type MatchedDelivery = Pick<Delivery, 'id' | 'newsletter' | 'subscriber' | 'status' | 'messageId' | 'sentAt'>
type LedgerRow = Omit<EmailEventRow, 'id' | 'createdAt' | 'updatedAt' | 'subscriber' | 'newsletter'> & { subscriber: Id; newsletter: Id | null }

const keyOf = (event: EmailEvent) => `${event.provider}:${event.eventId}`.slice(0, 300)
const bare = (messageId: string) => messageId.trim().replace(/^<|>$/g, '')
const idOf = (value: unknown): Id | null => (value && typeof value === 'object' ? (value as { id: Id }).id : ((value as Id | null | undefined) ?? null))
const mailboxOf = (event: EmailEvent) => emailKeyOf(event.email.trim())

// What a report does to the delivery it names: outcomes already final for another reason stay.
const DELIVERY_MOVES = {
  hard_bounce: { from: ['sent', 'unknown', 'sending'], to: 'bounced' },
  soft_bounce: { from: ['sent', 'unknown', 'sending'], to: 'bounced' },
  complaint: { from: ['sent', 'unknown', 'sending', 'bounced'], to: 'complained' },
} as const
/** The statuses a report without a Message-ID may be matched to (a send still on the wire is not "before" it). */
const MATCHABLE_STATUSES = ['sent', 'unknown', 'bounced']

// A report a little ahead of the send's recorded time is clock skew between us and the provider.
const CLOCK_SKEW_MS = 5 * 60 * 1000
/** How far back the one history read of a batch looks; subscribers with no match in it get a second read of their older deliveries. */
const HISTORY_WINDOW_MS = 60 * 24 * 60 * 60 * 1000

/**
 * Acts on verified provider events (src/emailEvents/providers), a batch at a time, with a
 * bounded number of statements whatever the batch size (a provider posts hundreds at once,
 * and every write on SQLite is a commit that the newsletter worker waits behind):
 * - reads: events already seen, the subscribers, the deliveries named by Message-ID, the
 *   recent deliveries of the subscribers reported without one or soft-bouncing (their older
 *   ones only for those with no match), and their earlier soft bounces;
 * - then, in order of occurrence, what each new event of a known address does, decided in
 *   memory from those reads and from the events before it in the batch:
 *   - the delivery it names (or the subscriber's latest one) becomes `bounced`/`complained`;
 *   - hard bounce: suppressed at once;
 *   - soft bounce: suppressed once `EMAIL_SOFT_BOUNCE_LIMIT` of them arrived since the last
 *     delivery that went through (or since a lift);
 *   - complaint: `complained`, all mail stops at once, counted in the newsletter's report;
 * - writes: each delivery move and each suppression as a conditional update (of two reports
 *   at once exactly one wins; the other's effect reads "nothing"), the list entries and the
 *   queued deliveries skipped in a few statements, then the ledger rows (`email-events`,
 *   unique by provider and event id) in one insert, with what each changed.
 * Effects come before the ledger row, and each is conditional: a crash in between leaves no
 * row, so the provider's retry applies the event again and finds the effects done. The same
 * event in two requests at once: both may try the effects (one wins each), one row is kept.
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

  const seen = await payload.db.find<Pick<EmailEventRow, 'id' | 'eventKey'>>({
    collection: 'email-events',
    where: { eventKey: { in: [...fresh.keys()] } },
    select: { eventKey: true },
    limit: 0,
    pagination: false,
  })
  for (const row of seen.docs) if (fresh.delete(row.eventKey)) result.duplicates++
  if (!fresh.size) return result

  const subscribers = await payload.db.find<KnownSubscriber>({
    collection: 'subscribers',
    where: { emailKey: { in: [...new Set([...fresh.values()].map(mailboxOf))] } },
    select: { emailKey: true, status: true, suppressionLiftedAt: true },
    limit: 0,
    pagination: false,
  })
  const byMailbox = new Map(subscribers.docs.map((subscriber) => [subscriber.emailKey, subscriber]))
  const ordered: Array<{ eventKey: string; event: EmailEvent; subscriber: KnownSubscriber }> = []
  for (const [eventKey, event] of fresh) {
    const subscriber = byMailbox.get(mailboxOf(event))
    if (subscriber) ordered.push({ eventKey, event, subscriber })
    else result.unknownAddress++
  }
  if (!ordered.length) return result
  ordered.sort((a, b) => a.event.occurredAt.localeCompare(b.event.occurredAt))

  const messageIds = [...new Set(ordered.flatMap(({ event }) => (event.messageId ? [bare(event.messageId), `<${bare(event.messageId)}>`] : [])))]
  const named = messageIds.length
    ? await payload.db.find<MatchedDelivery>({
        collection: 'deliveries',
        where: { messageId: { in: messageIds } },
        select: { newsletter: true, subscriber: true, status: true, messageId: true, sentAt: true },
        limit: 0,
        pagination: false,
      })
    : { docs: [] }
  const byMessageId = new Map(named.docs.map((delivery) => [bare(delivery.messageId ?? ''), delivery]))

  const needsHistory = ordered.filter(({ event }) => !event.messageId || event.type === 'soft_bounce')
  const history = await DeliveryHistory.load(payload, needsHistory.map(({ subscriber }) => subscriber.id), needsHistory.map(({ event }) => event.occurredAt))
  const softBounced = [...new Set(ordered.filter(({ event }) => event.type === 'soft_bounce').map(({ subscriber }) => subscriber.id))]
  const earlierSoftBounces = await softBouncesOf(payload, softBounced)

  // ---- what each event does, in order, as if applied one after the other ----
  const status = new Map(subscribers.docs.map((subscriber) => [String(subscriber.id), subscriber.status]))
  const deliveryStatus = new Map<string, string>()
  const currentStatus = (delivery: MatchedDelivery) => deliveryStatus.get(String(delivery.id)) ?? delivery.status
  const moves: Array<{ delivery: MatchedDelivery; from: readonly string[]; data: { status: string; lastError: string } }> = []
  const suppressions: Array<{ request: SuppressionRequest; row: LedgerRow; lost: string }> = []
  const rows: LedgerRow[] = []
  const limit = softBounceLimit()
  for (const { eventKey, event, subscriber } of ordered) {
    const subscriberKey = String(subscriber.id)
    const move = DELIVERY_MOVES[event.type]
    let delivery: MatchedDelivery | undefined
    if (event.messageId) delivery = byMessageId.get(bare(event.messageId))
    else if (event.type !== 'soft_bounce') {
      // The delivery a report without a Message-ID is about (Postmark names only its own message id,
      // a generic sender may name none): the subscriber's newest newsletter delivery sent before the
      // report. With a Message-ID that matches nothing (a confirmation email, say) none is guessed,
      // and neither for a soft bounce: the guess could mark a newsletter that did arrive as bounced,
      // which would also hide it from the soft-bounce streak as "the last one that went through".
      const before = new Date(Date.parse(event.occurredAt) + CLOCK_SKEW_MS).toISOString()
      const statuses: readonly string[] = move.from
      delivery = await history.newest(subscriber.id, (candidate) => candidate.sentAt! <= before && statuses.includes(currentStatus(candidate)))
    }
    // A Message-ID names a delivery only if it went to this subscriber.
    const ours = delivery && String(idOf(delivery.subscriber)) === subscriberKey ? delivery : undefined
    if (ours && (move.from as readonly string[]).includes(currentStatus(ours))) {
      moves.push({ delivery: ours, from: move.from, data: { status: move.to, lastError: `${event.type.replace('_', ' ')} reported by ${event.provider}${event.reason ? `: ${event.reason.slice(0, 200)}` : ''}` } })
      deliveryStatus.set(String(ours.id), move.to)
    }
    const row: LedgerRow = {
      eventKey,
      provider: event.provider,
      type: event.type,
      email: event.email.slice(0, 254),
      subscriber: subscriber.id,
      newsletter: ours ? idOf(ours.newsletter) : null,
      messageId: event.messageId ? bare(event.messageId).slice(0, 300) : null,
      reason: event.reason?.slice(0, 500) || null,
      occurredAt: event.occurredAt,
      effect: null,
    }
    rows.push(row)
    const base = { subscriberId: subscriber.id, email: event.email, source: event.provider, reason: event.reason, at: event.occurredAt }
    const suppress = (request: SuppressionRequest, effect: string, lost: string, to: 'bounced' | 'complained') => {
      suppressions.push({ request, row, lost })
      row.effect = effect
      status.set(subscriberKey, to)
    }
    const now = status.get(subscriberKey)
    if (event.type === 'complaint') {
      if (now === 'complained') row.effect = 'nothing (already complained)'
      else suppress({ ...base, kind: 'complaint' }, 'suppressed (complaint)', 'nothing (already complained)', 'complained')
    } else if (now === 'bounced' || now === 'complained') {
      row.effect = 'nothing (already suppressed)'
    } else if (event.type === 'hard_bounce') {
      suppress({ ...base, kind: 'hard_bounce' }, 'suppressed (hard bounce)', 'nothing (already suppressed)', 'bounced')
    } else {
      // Soft bounces since the newest delivery that went through (still `sent`: a bounced one is
      // marked `bounced`) or since the last lift, whichever is later; this one included.
      const lastDelivered = (await history.newest(subscriber.id, (candidate) => currentStatus(candidate) === 'sent'))?.sentAt
      const since = [lastDelivered, subscriber.suppressionLiftedAt].filter((at): at is string => !!at).sort().pop()
      const theirs = earlierSoftBounces.get(subscriberKey) ?? []
      theirs.push(event.occurredAt)
      earlierSoftBounces.set(subscriberKey, theirs)
      const streak = theirs.filter((at) => !since || at > since).length
      if (streak < limit) row.effect = `counted (soft bounce ${streak} of ${limit})`
      else {
        const reason = `${streak} soft bounces in a row${event.reason ? `; last: ${event.reason}` : ''}`
        suppress({ ...base, kind: 'soft_bounces', reason }, `suppressed (${streak} soft bounces in a row)`, 'nothing (already suppressed)', 'bounced')
      }
    }
  }

  // ---- the effects, each conditional, then the ledger ----
  const touchedNewsletters = new Set<string>()
  for (const { delivery, from, data } of moves) {
    if (await claimOne(payload, { collection: 'deliveries', id: delivery.id, when: { status: { in: [...from] } }, data })) touchedNewsletters.add(String(idOf(delivery.newsletter)))
  }
  const won = await suppressSubscribers(payload, suppressions.map(({ request }) => request))
  suppressions.forEach(({ row, lost }, index) => {
    if (!won[index]) row.effect = lost
  })
  const inserted = await insertLedgerRows(payload, rows)
  result.applied += inserted
  result.duplicates += rows.length - inserted
  // Reports read the newsletter's stored counts: brought up to date for the ones touched.
  for (const id of touchedNewsletters) await writeStoredCounts(payload, id, await countDeliveries(payload, id))
  return result
}

/**
 * The newsletter deliveries of some subscribers that a report without a Message-ID may name,
 * newest first. One read of those sent in the window before the batch's oldest event; the
 * older ones are read, once, for the subscribers with none in the window (all of them in one
 * read) and for a subscriber whose window holds nothing that fits what is asked. A delivery
 * that fits in the window is newer than any before it, so the answer is the same as with the
 * whole history.
 */
class DeliveryHistory {
  private readonly bySubscriber = new Map<string, MatchedDelivery[]>()
  private readonly olderRead = new Set<string>()

  private constructor(
    private readonly payload: Payload,
    private readonly windowStart: string,
  ) {}

  static async load(payload: Payload, subscriberIds: Id[], occurredAt: string[]) {
    const ids = [...new Set(subscriberIds)]
    const oldest = occurredAt.length ? Math.min(...occurredAt.map((at) => Date.parse(at))) : Date.now()
    const history = new DeliveryHistory(payload, new Date(oldest - HISTORY_WINDOW_MS).toISOString())
    if (!ids.length) return history
    history.add(await history.read(ids, { greater_than_equal: history.windowStart }))
    await history.readOlder(ids.filter((id) => !history.bySubscriber.has(String(id))))
    return history
  }

  /** The subscriber's newest delivery for which `fits` holds. */
  async newest(subscriberId: Id, fits: (delivery: MatchedDelivery) => boolean): Promise<MatchedDelivery | undefined> {
    const key = String(subscriberId)
    const found = this.bySubscriber.get(key)?.find(fits)
    if (found || this.olderRead.has(key)) return found
    await this.readOlder([subscriberId])
    return this.bySubscriber.get(key)?.find(fits)
  }

  private async readOlder(ids: Id[]) {
    if (!ids.length) return
    for (const id of ids) this.olderRead.add(String(id))
    this.add(await this.read(ids, { less_than: this.windowStart }))
  }

  // The statuses are filtered here, not in the query: with `status IN (…)` next to
  // `subscriber IN (…)`, SQLite reads through the status index, i.e. every sent delivery of
  // every newsletter (EXPLAIN QUERY PLAN); without it, through the subscriber index.
  private async read(ids: Id[], sentAt: Record<string, string>) {
    const { docs } = await this.payload.db.find<MatchedDelivery>({
      collection: 'deliveries',
      where: { and: [{ subscriber: { in: ids } }, { sentAt }] },
      select: { newsletter: true, subscriber: true, status: true, messageId: true, sentAt: true },
      sort: '-sentAt',
      limit: 0,
      pagination: false,
    })
    return docs.filter((delivery) => MATCHABLE_STATUSES.includes(delivery.status))
  }

  private add(docs: MatchedDelivery[]) {
    const touched = new Set<MatchedDelivery[]>()
    for (const doc of docs) {
      const key = String(idOf(doc.subscriber))
      const list = this.bySubscriber.get(key) ?? []
      list.push(doc)
      this.bySubscriber.set(key, list)
      touched.add(list)
    }
    for (const list of touched) list.sort((a, b) => (b.sentAt ?? '').localeCompare(a.sentAt ?? ''))
  }
}

/** When each of these subscribers' earlier soft bounces happened, by subscriber. */
const softBouncesOf = async (payload: Payload, subscriberIds: Id[]) => {
  const bySubscriber = new Map<string, string[]>()
  if (!subscriberIds.length) return bySubscriber
  const { docs } = await payload.db.find<Pick<EmailEventRow, 'id' | 'subscriber' | 'occurredAt'>>({
    collection: 'email-events',
    where: { and: [{ subscriber: { in: subscriberIds } }, { type: { equals: 'soft_bounce' } }] },
    select: { subscriber: true, occurredAt: true },
    limit: 0,
    pagination: false,
  })
  for (const doc of docs) {
    const key = String(idOf(doc.subscriber))
    bySubscriber.set(key, [...(bySubscriber.get(key) ?? []), doc.occurredAt])
  }
  return bySubscriber
}

/**
 * The ledger rows, in one insert per chunk on SQL. A chunk refused for a duplicate (the same
 * event applied by another request since this one looked) is inserted row by row, skipping
 * the duplicates. How many rows are new.
 */
const LEDGER_CHUNK = 500
const insertLedgerRows = async (payload: Payload, rows: LedgerRow[]) => {
  const insertMany = insertManyFast(payload, 'email-events')
  const oneByOne = async (chunk: LedgerRow[]) => {
    let inserted = 0
    for (const data of chunk) {
      try {
        await payload.db.create({ collection: 'email-events', data, returning: false })
        inserted++
      } catch (error) {
        if (!isUniqueViolation(error)) throw error
      }
    }
    return inserted
  }
  let inserted = 0
  for (let start = 0; start < rows.length; start += LEDGER_CHUNK) {
    const chunk = rows.slice(start, start + LEDGER_CHUNK)
    if (!insertMany) {
      inserted += await oneByOne(chunk)
      continue
    }
    try {
      await insertMany(chunk)
      inserted += chunk.length
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
      inserted += await oneByOne(chunk)
    }
  }
  return inserted
}
