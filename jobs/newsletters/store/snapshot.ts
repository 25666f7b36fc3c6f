import { setImmediate as nextTurn } from 'node:timers/promises'

import type { Payload, Where } from 'payload'

import type { Delivery, Newsletter, Subscriber } from '../../../payload-types'
import { NEWSLETTER_STORE_LIMITS } from '../config'
import { insertManyFast, isUniqueViolation } from '../../../src/seams/database'
import { DELIVERIES, relationId, SUBSCRIBERS, type Id } from './shared'

// Snapshot: audience → deliveries

/**
 * The next page of confirmed subscribers by id after `cursor`, and those of them in the
 * newsletter's audience. The topic match happens here rather than in the query: "topics
 * intersect OR no topics" over a hasMany relationship is not expressed the same way by every
 * adapter (SQLite's join made `exists: false` match everyone), and a page is small.
 */
export const findAudiencePage = async (payload: Payload, newsletter: Pick<Newsletter, 'audience' | 'audienceTopics'>, cursor: Id | null, limit: number) => {
  const conditions: Where[] = [{ status: { equals: 'confirmed' } }]
  if (cursor !== null) conditions.push({ id: { greater_than: cursor } })
  const { docs } = await payload.db.find<Pick<Subscriber, 'id' | 'email' | 'topics'>>({
    collection: SUBSCRIBERS,
    where: { and: conditions },
    select: { email: true, topics: true },
    sort: 'id',
    limit,
    pagination: false,
  })
  const topics = new Set((newsletter.audienceTopics ?? []).map((topic) => String(relationId(topic))))
  const inAudience =
    newsletter.audience === 'topics' && topics.size
      ? docs.filter((doc) => {
          const theirs = (doc.topics ?? []).map((topic) => String(relationId(topic)))
          // No topics chosen means "everything", so those subscribers are in every audience.
          return theirs.length === 0 || theirs.some((topic) => topics.has(topic))
        })
      : docs
  return { scanned: docs.length, lastId: docs.length ? docs[docs.length - 1].id : null, subscribers: inAudience }
}

/** The subscribers of `ids` that already have a delivery of this newsletter (a re-run step). */
const existingRecipients = async (payload: Payload, newsletterId: Id, ids: Id[]) => {
  const { docs } = await payload.db.find<Pick<Delivery, 'subscriber'>>({
    collection: DELIVERIES,
    where: { and: [{ newsletter: { equals: newsletterId } }, { subscriber: { in: ids } }] },
    select: { subscriber: true },
    limit: 0,
    pagination: false,
  })
  return new Set(docs.map((doc) => String(relationId(doc.subscriber))))
}

type DeliveryInsert = Pick<Delivery, 'email' | 'status' | 'attempts' | 'messageId'> & { newsletter: Id; subscriber: Id }

/**
 * Queues one delivery per subscriber of the page, skipping those already queued by an
 * earlier (crashed) run of the same step. The database's unique (newsletter, subscriber)
 * index is the last word: a duplicate insert is refused and ignored.
 */
export const insertDeliveries = async (
  payload: Payload,
  newsletterId: Id,
  subscribers: Array<Pick<Subscriber, 'id' | 'email'>>,
  messageIdFor: (subscriberId: Id) => string,
) => {
  if (!subscribers.length) return 0
  const existing = await existingRecipients(payload, newsletterId, subscribers.map((s) => s.id))
  const rows: DeliveryInsert[] = subscribers
    .filter((subscriber) => !existing.has(String(subscriber.id)))
    .map((subscriber) => ({
      newsletter: newsletterId,
      subscriber: subscriber.id,
      email: subscriber.email,
      status: 'queued',
      attempts: 0,
      messageId: messageIdFor(subscriber.id),
    }))
  if (!rows.length) return 0
  // The embedded SQLite driver (libsql) runs each statement synchronously and resolves with
  // a microtask, so a loop of awaited writes never lets the event loop turn: SMTP sockets and
  // timers starve, and native memory outside the V8 heap piled up meanwhile (+220 MiB RSS at
  // 10k). One turn before each write removes both and lets sending overlap the snapshot.
  // Measurements: bench/newsletter-throughput/README.md. On SQL, a page is one multi-row
  // insert (one commit instead of one per row: 35 of the 66 s a 10,000-recipient send took);
  // elsewhere (MongoDB) `create` per row is cheap and is used instead.
  const insertMany = insertManyFast(payload, DELIVERIES)
  const oneByOne = async (chunk: DeliveryInsert[]) => {
    let inserted = 0
    for (const row of chunk) {
      await nextTurn()
      try {
        await payload.db.create({ collection: DELIVERIES, data: row, returning: false })
        inserted++
      } catch (error) {
        if (!isUniqueViolation(error)) throw error
      }
    }
    return inserted
  }
  if (!insertMany) return oneByOne(rows)
  let inserted = 0
  // NEWSLETTER_STORE_LIMITS.insertChunk rows per statement, whatever NEWSLETTER_SNAPSHOT_BATCH says.
  const size = NEWSLETTER_STORE_LIMITS.insertChunk
  for (let start = 0; start < rows.length; start += size) {
    const chunk = rows.slice(start, start + size)
    await nextTurn()
    try {
      await insertMany(chunk)
      inserted += chunk.length
    } catch (error) {
      // Another holder (a takeover race) queued some of these since we looked: row by row,
      // where the unique index refuses exactly the ones that exist.
      if (!isUniqueViolation(error)) throw error
      inserted += await oneByOne(chunk)
    }
  }
  return inserted
}
