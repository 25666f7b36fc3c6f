import type { Payload, Where } from 'payload'

import { NEWSLETTER_STORE_LIMITS } from '../config'

/**
 * What the newsletter store's files share: ids, the collections, and "update every row that
 * matches" on every adapter. The store (this folder) holds every read and write of the
 * sending pipeline's state, all through adapter-neutral `payload.db` calls: claims are
 * conditional updates (`UPDATE … WHERE … RETURNING` on SQLite, `findOneAndUpdate` on
 * MongoDB), so two workers can never both win a newsletter or a delivery.
 *   newsletters.ts: due, claim, lease, pause, finish, a person's moves
 *   snapshot.ts: audience → deliveries
 *   deliveries.ts: read ahead, claim, record, bulk transitions, counts
 *   subscribers.ts: bounces, erasure, unsubscribes during a send
 */

export const NEWSLETTERS = 'newsletters' as const
export const DELIVERIES = 'deliveries' as const
export const SUBSCRIBERS = 'subscribers' as const
export const iso = (ms: number) => new Date(ms).toISOString()

export type Id = number | string

export const relationId = (value: unknown): Id | null =>
  value && typeof value === 'object' ? ((value as { id: Id }).id ?? null) : ((value as Id | null | undefined) ?? null)

/**
 * Payload's SQL adapters (SQLite, Postgres: built on drizzle) run an atomic `updateOne` with
 * a `where` as one `UPDATE … WHERE … RETURNING` over every matching row; MongoDB's runs
 * `findOneAndUpdate`, one document per call.
 */
export const updatesEveryMatchAtOnce = (payload: Payload) => 'drizzle' in payload.db

/**
 * `payload.db.updateOne({ where, options: { atomic: true } })` until nothing matches any more
 * gives "update all that match" on every adapter: one statement on SQL, one call per document
 * on MongoDB. The `where` must stop matching a row once it is updated.
 */
export const updateAllMatching = async (payload: Payload, collection: typeof DELIVERIES | typeof SUBSCRIBERS, where: Where, data: Record<string, unknown>, limit: number) => {
  const once = updatesEveryMatchAtOnce(payload)
  for (let calls = 0; calls <= limit; calls++) {
    const updated = await payload.db.updateOne({ collection, where, data, options: { atomic: true } })
    // On SQL the first statement took every match; a second would be an empty write per group.
    if (!updated || once) return
  }
}

/**
 * Bulk transitions (cancel, retry, orphans) over possibly many rows: in pages of ids, so no
 * single statement returns or holds a whole audience in memory.
 */
export const updateInPages = async (payload: Payload, where: Where, data: Record<string, unknown>) => {
  let total = 0
  for (;;) {
    const { docs } = await payload.db.find<{ id: Id }>({ collection: DELIVERIES, where, select: { id: true }, sort: 'id', limit: NEWSLETTER_STORE_LIMITS.idPage, pagination: false })
    if (!docs.length) return total
    const ids = docs.map((doc) => doc.id)
    await updateAllMatching(payload, DELIVERIES, { and: [where, { id: { in: ids } }] }, data, ids.length)
    total += ids.length
  }
}
