import type { Payload, Where } from 'payload'

import { updateEveryMatch, type Id } from '../../../src/seams/database'
import { NEWSLETTER_STORE_LIMITS } from '../config'

/**
 * What the newsletter store's files share: ids, the collections, and "update every row that
 * matches" on every adapter. The store (this folder) holds every read and write of the
 * sending pipeline's state: reads through `payload.db`, claims and bulk transitions through
 * src/seams/database.ts (conditional updates: `UPDATE … WHERE … RETURNING` on SQLite,
 * `findOneAndUpdate` on MongoDB), so two workers can never both win a newsletter or a delivery.
 *   newsletters.ts: due, claim, lease, pause, finish, a person's moves
 *   snapshot.ts: audience → deliveries
 *   deliveries.ts: read ahead, claim, record, bulk transitions, counts
 *   subscribers.ts: bounces, erasure, unsubscribes during a send
 */

export const NEWSLETTERS = 'newsletters' as const
export const DELIVERIES = 'deliveries' as const
export const SUBSCRIBERS = 'subscribers' as const
export const iso = (ms: number) => new Date(ms).toISOString()

export type { Id }

export const relationId = (value: unknown): Id | null =>
  value && typeof value === 'object' ? ((value as { id: Id }).id ?? null) : ((value as Id | null | undefined) ?? null)

/**
 * "Update every row that matches", conditionally, on every adapter (src/seams/database.ts:
 * one statement on SQL, one call per document on MongoDB). The `where` must stop matching a
 * row once it is updated.
 */
export const updateAllMatching = async (payload: Payload, collection: typeof DELIVERIES | typeof SUBSCRIBERS, where: Where, data: Record<string, unknown>, limit: number) => {
  await updateEveryMatch(payload, { collection, where, data, maxCalls: limit })
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
