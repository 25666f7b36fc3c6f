import type { CollectionSlug, GlobalSlug, Payload, PayloadRequest } from 'payload'

import { claimOne, updatesEveryMatchAtOnce } from './database'

/**
 * Adds to number fields of a global in one atomic write, so two requests counting at once
 * both count (a read, then a write of read + 1, loses one of them). Payload's public API has
 * no increment for globals; its adapters do, undocumented for globals:
 *
 * - SQL (drizzle, 3.90): `updateGlobal` with `{ field: { $inc: n } }` on fields stored on the
 *   global's own row writes `SET field = field + n` (upsertRow's "optimized" path, the one
 *   Payload's own `incrementLoginAttempts` uses for collections). Only on an existing row: the
 *   create path refuses `$inc`, and `NULL + n` stays NULL, so both are settled first. A global
 *   cannot be updated conditionally, so two first-ever increments at once may race there: both
 *   create a row, and then `updateGlobal` writes the oldest (findFirst) while `findGlobal` reads
 *   the newest (default sort), so every later count is lost. ensureCounterRows below, at start,
 *   creates the row before anything counts.
 * - MongoDB (3.90, not runnable on this machine): `updateGlobal` hands `data` to
 *   `Model.updateOne({ globalType }, data)` after a write transform that keeps unknown keys,
 *   so `{ $inc: { field: n } }` is MongoDB's own atomic `$inc`.
 *
 * tests/int/seams/counters.int.spec.ts states this: concurrent increments all count.
 */
export const incrementGlobalNumbers = async (
  payload: Payload,
  slug: GlobalSlug,
  amounts: Record<string, number>,
  req?: Partial<PayloadRequest>,
): Promise<void> => {
  const current = (await payload.db.findGlobal({ slug, req })) as Record<string, unknown> | null
  const missing = Object.keys(amounts).filter((field) => typeof current?.[field] !== 'number')
  if (!current || !('id' in current)) {
    // No row yet (never saved, and ensureCounterRows has not run): create it with zeros.
    await payload.db.createGlobal({ slug, data: Object.fromEntries(Object.keys(amounts).map((field) => [field, 0])), req, returning: false })
  } else if (missing.length) {
    await payload.db.updateGlobal({ slug, data: Object.fromEntries(missing.map((field) => [field, 0])), req, returning: false })
  }
  const data = updatesEveryMatchAtOnce(payload)
    ? Object.fromEntries(Object.entries(amounts).map(([field, n]) => [field, { $inc: n }]))
    : { $inc: amounts }
  await payload.db.updateGlobal({ slug, data, req, returning: false })
}

/**
 * Adds to number fields of one document in one atomic write: `{ field: { $inc: n } }` in
 * `payload.db.updateOne` by id, the form Payload's own `incrementLoginAttempts` uses on every
 * adapter (SQL: `SET field = field + n`; MongoDB: `$inc`). A NULL field stays NULL on SQL, so
 * an empty one is set to 0 first, conditionally. False when the document does not exist.
 */
export const incrementNumbers = async (
  payload: Payload,
  collection: CollectionSlug,
  id: number | string,
  amounts: Record<string, number>,
  req?: Partial<PayloadRequest>,
): Promise<boolean> => {
  const current = (await payload.db.findOne({ collection, where: { id: { equals: id } }, req })) as Record<string, unknown> | null
  if (!current) return false
  const missing = Object.keys(amounts).filter((field) => typeof current[field] !== 'number')
  // Only while still empty: an increment made meanwhile is never reset.
  for (const field of missing) await claimOne(payload, { collection, id, when: { [field]: { exists: false } }, data: { [field]: 0 }, req })
  await payload.db.updateOne({ collection, id, data: Object.fromEntries(Object.entries(amounts).map(([field, n]) => [field, { $inc: n }])), req, returning: false })
  return true
}

/**
 * Creates the row of each of `slugs` (globals counted by incrementGlobalNumbers) that has none
 * yet, its number fields at 0, before this process counts anything (payload.config.ts onInit):
 * otherwise the first increments, made at once, could each create a row (see above). Processes
 * starting at the same moment on a fresh database could still both create one; a start is rare
 * and short, concurrent erasures at the first start rarer.
 */
export const ensureCounterRows = async (payload: Payload, slugs: GlobalSlug[]) => {
  for (const slug of slugs) {
    const current = (await payload.db.findGlobal({ slug })) as Record<string, unknown> | null
    if (current && 'id' in current) continue
    const fields = payload.config.globals.find((global) => global.slug === slug)?.flattenedFields ?? []
    const zeros = Object.fromEntries(fields.filter((field) => field.type === 'number').map((field) => [field.name, 0]))
    await payload.db.createGlobal({ slug, data: zeros, returning: false })
  }
}
