import { integer, sqliteTable, text } from '@payloadcms/db-sqlite/drizzle/sqlite-core'
import type { Payload } from 'payload'
import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterMongo, type RateLimiterAbstract } from 'rate-limiter-flexible'

/**
 * The one seam between the rate limits and the database: every limiter that must hold
 * across processes (signup, login, forgot-password) is made here, so that adding app
 * processes (`WEB_CONCURRENCY`) or machines does not multiply what an attacker gets.
 *
 * - SQLite: rate-limiter-flexible's Drizzle store on the drizzle instance Payload's sqlite
 *   adapter exposes (`payload.db.drizzle`), in the `rate_limits` table of the hidden
 *   `rate-limits` collection (its schema comes from the committed migrations). Each consume
 *   is one `INSERT … ON CONFLICT(key) DO UPDATE SET points = points + n … RETURNING`: atomic,
 *   so every process on the file (cluster workers, the worker, a second app) counts together.
 *   Several machines cannot share a SQLite file, so this covers every SQLite deployment.
 * - MongoDB: rate-limiter-flexible's own Mongo store on Payload's mongoose connection
 *   (`payload.db.connection`), which does the same with an atomic `findOneAndUpdate` +
 *   `$inc` upsert and a TTL index, in one collection per limiter (named by its key prefix).
 *   Not testable on this machine (no MongoDB); kept to the library's documented use.
 *
 * When the database cannot answer (SQLITE_BUSY after the busy timeout, Mongo unreachable),
 * the library falls back to the `insuranceLimiter`: a per-process memory limiter with the
 * same limits. Neither fail-open (an attacker who can make the database slow would get
 * unlimited guesses) nor fail-closed (a busy database would turn every signup and login
 * into a 429 for everyone): the limit keeps holding, per process, until the store answers.
 */

export type SharedLimiterOptions = {
  /** Names the counter family; part of every stored key. */
  keyPrefix: string
  /** Allowed per `duration`. */
  points: number
  /** Seconds. */
  duration: number
  /** Seconds a key stays refused once it is over the limit (default: the rest of `duration`). */
  blockDuration?: number
}

/** The physical table of collections/RateLimits (Payload creates it through the migrations). */
const rateLimitsTable = sqliteTable('rate_limits', {
  key: text('key').notNull().unique(),
  points: integer('points').notNull(),
  expire: integer('expire', { mode: 'timestamp_ms' }),
})

type AdapterWithStores = { name?: string; drizzle?: unknown; connection?: unknown }

export const createSharedLimiter = (payload: Payload, options: SharedLimiterOptions): RateLimiterAbstract => {
  const insuranceLimiter = new RateLimiterMemory(options)
  const db = payload.db as unknown as AdapterWithStores
  if (db.name === 'mongoose') {
    return new RateLimiterMongo({ ...options, storeClient: db.connection, insuranceLimiter })
  }
  if (!db.drizzle) throw new Error(`Rate limits need the SQLite or MongoDB adapter (got ${db.name}).`)
  return new RateLimiterDrizzle({
    ...options,
    storeClient: db.drizzle,
    schema: rateLimitsTable,
    insuranceLimiter,
  })
}

/** One set of limiters per Payload instance (tests start several; Next reuses one). */
export const limitersPerPayload = <T>(build: (payload: Payload) => T) => {
  const built = new WeakMap<Payload, T>()
  return (payload: Payload): T => {
    let limiters = built.get(payload)
    if (!limiters) built.set(payload, (limiters = build(payload)))
    return limiters
  }
}
