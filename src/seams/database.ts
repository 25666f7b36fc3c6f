import { sql } from '@payloadcms/db-sqlite'
import type { CollectionSlug, Payload, PayloadRequest, Where } from 'payload'

/**
 * The one place that relies on how Payload's database adapters behave beyond their
 * documented contract. Every store (jobs/*\/store.ts, src/alerts/store.ts) calls these
 * instead of `payload.db` for conditional writes, bulk inserts and duplicate detection;
 * tests/int/seams/database.int.spec.ts states each behaviour on a real SQLite file and
 * fails when an upgrade changes it.
 *
 * Why not the public `payload.db.updateMany`: on the SQL adapters (Payload 3.90) it reads the
 * matching ids first and then writes each row by id without the condition (drizzle
 * `updateMany.js`: `selectDistinct` / `select`, then `upsertRow` per id). Two workers running
 * it at once both "win" the same rows, and it costs one statement per row. The contract test
 * shows both: two concurrent `updateMany` claims of the same 200 rows each return all 200,
 * and it measures updateMany against `updateEveryMatch` on 500 rows (numbers in
 * /work/notes/i14-seams.md and the test's log line).
 *
 * MongoDB (`@payloadcms/db-mongodb` 3.90, not runnable on this machine): `updateOne` with a
 * `where` is `Model.findOneAndUpdate(query, data, { new: true })`, one document per call,
 * atomic per document, whether `atomic` is set or not; `updateMany` with a limit is a `find`
 * of ids then `updateMany({ _id: { $in } })` without the condition (same race as above).
 * There is no `drizzle`, `insert`, `tables` or `tableNameMap` on that adapter, and a
 * duplicate key (11000) becomes a `ValidationError` "Value must be unique".
 */

export type Id = number | string
type Data = Record<string, unknown>

/**
 * The SQL adapters (SQLite, Postgres: both built on drizzle) run an atomic `updateOne` with a
 * `where` as one `UPDATE … SET … WHERE … RETURNING` over EVERY matching row, and return the
 * first. MongoDB's updates one document per call. True on the SQL adapters.
 */
export const updatesEveryMatchAtOnce = (payload: Payload): boolean => 'drizzle' in payload.db

/**
 * Updates document `id` of `collection` with `data` only if it still matches `when` (one
 * statement: `UPDATE … WHERE id = ? AND …` on SQL, `findOneAndUpdate` on MongoDB), so of two
 * processes making the same claim exactly one gets the document back; the other gets null.
 * Pinning the id is what makes this one row on every adapter (see updatesEveryMatchAtOnce).
 *
 * `when` and `data` may only use fields stored on the collection's main table (no arrays,
 * relationships with hasMany, localized fields): the SQL adapter throws otherwise.
 */
export const claimOne = async <T = Data>(
  payload: Payload,
  { collection, id, when, data, req }: { collection: CollectionSlug; id: Id; when?: Where; data: Data; req?: Partial<PayloadRequest> },
): Promise<T | null> => {
  const where: Where = when ? { and: [{ id: { equals: id } }, when] } : { id: { equals: id } }
  const updated = await payload.db.updateOne({ collection, where, data, options: { atomic: true }, req })
  return (updated as unknown as T) ?? null
}

/**
 * Conditionally updates every document matching `where`, on every adapter: one statement on
 * SQL, one `findOneAndUpdate` per document on MongoDB (repeated until nothing matches, at
 * most `maxCalls + 1` calls). `data` must make a document stop matching `where` (a status
 * change), or MongoDB would update the same document `maxCalls` times. True when at least
 * one document was updated. Which rows were won is read back by the caller (e.g. by a
 * claim token written in `data`): neither adapter returns them all.
 */
export const updateEveryMatch = async (
  payload: Payload,
  { collection, where, data, maxCalls, req }: { collection: CollectionSlug; where: Where; data: Data; maxCalls: number; req?: Partial<PayloadRequest> },
): Promise<boolean> => {
  const once = updatesEveryMatchAtOnce(payload)
  let any = false
  for (let calls = 0; calls <= maxCalls; calls++) {
    const updated = await payload.db.updateOne({ collection, where, data, options: { atomic: true }, req })
    if (!updated) return any
    any = true
    // On SQL the first statement took every match; a second would be an empty write.
    if (once) return true
  }
  return any
}

type SqlDrizzleAdapter = { drizzle: { all: (query: unknown) => Promise<unknown[]> }; tableNameMap: Map<string, string> }

/**
 * Moves `field` of every document of `ids` whose value is still one of `from` to `to`, and
 * returns the ids it moved: of two processes claiming the same documents at once, each
 * document is won by exactly one (what claimOne does for one). On SQLite one statement,
 * `UPDATE … SET field = to WHERE id IN (…) AND field IN (…) RETURNING id`, through
 * `payload.db.drizzle` with the `sql` tag Payload documents for raw queries: Payload's own
 * atomic `updateOne` updates every match but returns only the first, and `updateMany` is not
 * conditional (see above). The column is the field's name (a one-word field on the main
 * table: Payload's column names are the snake_case of the field names). Elsewhere (MongoDB)
 * one claimOne per id.
 */
export const claimEach = async (
  payload: Payload,
  { collection, ids, field, from, to }: { collection: CollectionSlug; ids: Id[]; field: string; from: readonly string[]; to: string },
): Promise<Set<string>> => {
  const won = new Set<string>()
  if (!ids.length) return won
  if (!/^[a-z]+$/.test(field)) throw new Error(`claimEach: "${field}" is not a one-word field name`)
  const adapter = payload.db as unknown as Partial<SqlDrizzleAdapter>
  const tableName = adapter.tableNameMap?.get(collection.replace(/-/g, '_'))
  if (!updatesEveryMatchAtOnce(payload) || !tableName || typeof adapter.drizzle?.all !== 'function') {
    for (const id of ids) if (await claimOne(payload, { collection, id, when: { [field]: { in: [...from] } }, data: { [field]: to } })) won.add(String(id))
    return won
  }
  const list = (values: readonly unknown[]) => sql.join(values.map((value) => sql`${value}`), sql`, `)
  const rows = (await adapter.drizzle.all(
    sql`UPDATE ${sql.identifier(tableName)} SET ${sql.identifier(field)} = ${to} WHERE "id" IN (${list(ids)}) AND ${sql.identifier(field)} IN (${list(from)}) RETURNING "id"`,
  )) as Array<{ id: Id } | Id[]>
  for (const row of rows) won.add(String(Array.isArray(row) ? row[0] : row.id))
  return won
}

/**
 * A duplicate insert refused by a unique index. Payload turns the driver's error into a
 * `ValidationError` whose errors say "Value must be unique" (drizzle `handleUpsertError`:
 * SQLite `SQLITE_CONSTRAINT_UNIQUE`, Postgres `23505`; MongoDB `handleError`: code 11000);
 * a raw insert (insertManyFast) throws the driver's own error, with the code on its `cause`.
 * Codes first, then the texts (English: this project has no other admin language).
 */
export const isUniqueViolation = (error: unknown): boolean => {
  for (let cause = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; cause && depth < 5; cause = cause.cause as typeof cause, depth++) {
    if (cause.code === 'SQLITE_CONSTRAINT_UNIQUE' || cause.code === '23505' || cause.code === 11000) return true
  }
  const text = `${(error as Error)?.message ?? ''} ${JSON.stringify((error as { data?: unknown })?.data ?? '')} ${String((error as { cause?: unknown })?.cause ?? '')}`
  return /unique|duplicate|E11000/i.test(text)
}

type SqlInsertAdapter = {
  drizzle: unknown
  tableNameMap: Map<string, string>
  tables: Record<string, unknown>
  insert: (args: { db: unknown; tableName: string; values: Data[] }) => Promise<unknown[]>
}

/**
 * Many rows in one statement (one commit), on the SQL adapters: their internal `insert`
 * helper, the one Payload's own `create` calls. Payload's public adapter API has no
 * multi-row create, and one `create` per row costs a commit each (see
 * bench/newsletter-throughput/README.md). Null on other adapters (MongoDB, where `create` per
 * row is cheap) and when the helper is missing: callers then create row by row.
 *
 * Only for collections whose fields all live on the main table (scalars and single
 * relationships): column keys are the field names, as in Payload's drizzle schema; no
 * hooks, validation, versions or defaults run, and `createdAt`/`updatedAt` are set here.
 * Runs outside any transaction. A duplicate fails the whole statement (isUniqueViolation).
 */
export const insertManyFast = (payload: Payload, collection: CollectionSlug): ((rows: Data[]) => Promise<void>) | null => {
  const adapter = payload.db as unknown as Partial<SqlInsertAdapter>
  const tableName = adapter.tableNameMap?.get(collection.replace(/-/g, '_'))
  if (!updatesEveryMatchAtOnce(payload) || typeof adapter.insert !== 'function' || !tableName || !adapter.tables?.[tableName]) return null
  return async (rows) => {
    if (!rows.length) return
    const now = new Date().toISOString()
    // A method of the adapter (it reads `this.tables`): called on it, not detached.
    await adapter.insert!({ db: adapter.drizzle, tableName, values: rows.map((row) => ({ ...row, createdAt: now, updatedAt: now })) })
  }
}
