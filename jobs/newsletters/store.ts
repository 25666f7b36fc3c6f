import { setImmediate as nextTurn } from 'node:timers/promises'

import type { Payload, Where } from 'payload'

import type { Delivery, Newsletter, Subscriber } from '../../payload-types'
import { SMTP_DOWN_OWNER } from './config'

/**
 * Every read and write of the sending pipeline's state, in one file, all through
 * adapter-neutral `payload.db` calls. Claims are conditional updates
 * (`UPDATE … WHERE … RETURNING` on SQLite, `findOneAndUpdate` on MongoDB), so two workers
 * can never both win a newsletter or a delivery.
 */

const NEWSLETTERS = 'newsletters' as const
const DELIVERIES = 'deliveries' as const
const SUBSCRIBERS = 'subscribers' as const
const iso = (ms: number) => new Date(ms).toISOString()

export type Id = number | string
export type DeliveryRow = Pick<Delivery, 'id' | 'email' | 'attempts' | 'messageId'> & { subscriber?: Id | null }
export type DeliveryCounts = {
  recipients: number
  queued: number
  sending: number
  sent: number
  failed: number
  bounced: number
  unknown: number
  skipped: number
  cancelled: number
}

const relationId = (value: unknown): Id | null =>
  value && typeof value === 'object' ? ((value as { id: Id }).id ?? null) : ((value as Id | null | undefined) ?? null)

/**
 * Payload's SQL adapters (SQLite, Postgres: built on drizzle) run an atomic `updateOne` with
 * a `where` as one `UPDATE … WHERE … RETURNING` over every matching row; MongoDB's runs
 * `findOneAndUpdate`, one document per call.
 */
const updatesEveryMatchAtOnce = (payload: Payload) => 'drizzle' in payload.db

/**
 * `payload.db.updateOne({ where, options: { atomic: true } })` until nothing matches any more
 * gives "update all that match" on every adapter: one statement on SQL, one call per document
 * on MongoDB. The `where` must stop matching a row once it is updated.
 */
const updateAllMatching = async (payload: Payload, collection: typeof DELIVERIES | typeof SUBSCRIBERS, where: Where, data: Record<string, unknown>, limit: number) => {
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
const updateInPages = async (payload: Payload, where: Where, data: Record<string, unknown>) => {
  let total = 0
  for (;;) {
    const { docs } = await payload.db.find<{ id: Id }>({ collection: DELIVERIES, where, select: { id: true }, sort: 'id', limit: 500, pagination: false })
    if (!docs.length) return total
    const ids = docs.map((doc) => doc.id)
    await updateAllMatching(payload, DELIVERIES, { and: [where, { id: { in: ids } }] }, data, ids.length)
    total += ids.length
  }
}

// ---------------------------------------------------------------------------------------
// Newsletters: due, claim, lease, finish

/** Newsletters a worker should look at now: due schedules, expired leases, and self-paused sends to probe. */
export const findDueNewsletters = async (payload: Payload, now: number): Promise<Newsletter[]> => {
  const { docs } = await payload.db.find<Newsletter>({
    collection: NEWSLETTERS,
    where: {
      or: [
        { and: [{ status: { equals: 'scheduled' } }, { sendAt: { less_than_equal: iso(now) } }] },
        { and: [{ status: { equals: 'sending' } }, { or: [{ leaseExpiresAt: { less_than: iso(now) } }, { leaseExpiresAt: { exists: false } }] }] },
        { and: [{ status: { equals: 'paused' } }, { leaseOwner: { equals: SMTP_DOWN_OWNER } }] },
      ],
    },
    sort: 'sendAt',
    limit: 100,
    pagination: false,
  })
  return docs
}

/**
 * Takes a newsletter for `workerId`: a due schedule, a send whose holder's lease ran out (a
 * crashed worker), or a send resumed by a person (no lease). One conditional update.
 */
export const claimNewsletter = async (payload: Payload, id: Id, workerId: string, leaseMs: number): Promise<Newsletter | null> => {
  const now = Date.now()
  const claimed = await payload.db.updateOne({
    collection: NEWSLETTERS,
    where: {
      and: [
        { id: { equals: id } },
        {
          or: [
            { and: [{ status: { equals: 'scheduled' } }, { sendAt: { less_than_equal: iso(now) } }] },
            { and: [{ status: { equals: 'sending' } }, { or: [{ leaseExpiresAt: { less_than: iso(now) } }, { leaseExpiresAt: { exists: false } }] }] },
          ],
        },
      ],
    },
    data: { status: 'sending', leaseOwner: workerId, leaseExpiresAt: iso(now + leaseMs) },
    options: { atomic: true },
  })
  if (!claimed) return null
  const newsletter = claimed as unknown as Newsletter
  if (!newsletter.startedAt) {
    const startedAt = iso(now)
    await payload.db.updateOne({ collection: NEWSLETTERS, id, data: { startedAt } })
    newsletter.startedAt = startedAt
  }
  return newsletter
}

const heldBy = (id: Id, workerId: string): Where => ({
  and: [{ id: { equals: id } }, { leaseOwner: { equals: workerId } }, { status: { equals: 'sending' } }],
})

/** Extends the lease if `workerId` still holds it. Null when paused, cancelled or taken over: stop. */
export const renewNewsletterLease = async (payload: Payload, id: Id, workerId: string, leaseMs: number) =>
  (await payload.db.updateOne({
    collection: NEWSLETTERS,
    where: heldBy(id, workerId),
    data: { leaseExpiresAt: iso(Date.now() + leaseMs) },
    options: { atomic: true },
  })) as unknown as Newsletter | null

/** Writes pipeline fields of a newsletter only while `workerId` holds it. */
export const updateHeldNewsletter = async (payload: Payload, id: Id, workerId: string, data: Record<string, unknown>) =>
  (await payload.db.updateOne({ collection: NEWSLETTERS, where: heldBy(id, workerId), data, options: { atomic: true } })) as unknown as Newsletter | null

export const findNewsletter = (payload: Payload, id: Id) =>
  payload.db.findOne<Newsletter>({ collection: NEWSLETTERS, where: { id: { equals: id } } })

/** The SMTP server stopped answering: pause, marked so that the worker (not a person) resumes it. */
export const pauseForUnreachableServer = (payload: Payload, id: Id, workerId: string, since: number) =>
  updateHeldNewsletter(payload, id, workerId, {
    status: 'paused',
    leaseOwner: SMTP_DOWN_OWNER,
    leaseExpiresAt: null,
    note: `SMTP server unreachable since ${iso(since)} — retrying automatically.`,
  })

/** The SMTP server answers again: a self-paused newsletter goes back to `sending`, free to claim. */
export const resumeAfterUnreachableServer = (payload: Payload, id: Id) =>
  payload.db.updateOne({
    collection: NEWSLETTERS,
    where: { and: [{ id: { equals: id } }, { status: { equals: 'paused' } }, { leaseOwner: { equals: SMTP_DOWN_OWNER } }] },
    data: { status: 'sending', leaseOwner: null, leaseExpiresAt: null, note: null },
    options: { atomic: true },
  })

/** Gives the newsletter back without finishing it (graceful shutdown). */
export const releaseNewsletter = (payload: Payload, id: Id, workerId: string) =>
  updateHeldNewsletter(payload, id, workerId, { leaseOwner: null, leaseExpiresAt: null })

// ---------------------------------------------------------------------------------------
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

const isUniqueViolation = (error: unknown) => {
  const text = `${(error as Error)?.message ?? ''} ${JSON.stringify((error as { data?: unknown })?.data ?? '')} ${String((error as { cause?: unknown })?.cause ?? '')}`
  return /unique|duplicate|E11000|invalid: newsletter/i.test(text)
}

type DeliveryInsert = Pick<Delivery, 'email' | 'status' | 'attempts' | 'messageId'> & { newsletter: Id; subscriber: Id }

/**
 * Payload's SQL adapters (SQLite, Postgres) create a row with their own `insert` helper,
 * which also takes many rows: one statement, so one commit, for a whole page. Payload's
 * public adapter API has no multi-row create, and one `create` per recipient cost a commit
 * each (an fsync with synchronous=FULL, during which libsql blocks the event loop, SMTP
 * sockets included): 35 of the 66 s a 10,000-recipient send took. Null on other adapters
 * (MongoDB), where `create` per row is cheap and is used instead.
 */
type SqlInsertAdapter = {
  drizzle: unknown
  tableNameMap: Map<string, string>
  tables: Record<string, unknown>
  insert: (args: { db: unknown; tableName: string; values: Array<Record<string, unknown>> }) => Promise<unknown[]>
}
const multiRowInsert = (payload: Payload) => {
  const adapter = payload.db as unknown as Partial<SqlInsertAdapter>
  const tableName = adapter.tableNameMap?.get(DELIVERIES)
  if (!updatesEveryMatchAtOnce(payload) || typeof adapter.insert !== 'function' || !tableName || !adapter.tables?.[tableName]) return null
  return async (rows: DeliveryInsert[]) => {
    const now = iso(Date.now())
    // Column keys are the field names (Payload's drizzle schema); tests/int/newsletters-sending
    // compares these rows with one made by Payload's own create.
    await adapter.insert!({ db: adapter.drizzle, tableName, values: rows.map((row) => ({ ...row, createdAt: now, updatedAt: now })) })
  }
}

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
  // Measurements: bench/newsletter-throughput/README.md.
  const insertMany = multiRowInsert(payload)
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
  // At most 500 rows (8 bound values each) per statement, well under SQLite's 32,766,
  // whatever NEWSLETTER_SNAPSHOT_BATCH says.
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500)
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

// ---------------------------------------------------------------------------------------
// Deliveries: read ahead, claim, record

/** Queued deliveries due now, by id, after `afterId` (reading claims nothing). */
export const findQueuedDeliveries = async (payload: Payload, newsletterId: Id, afterId: Id | null, limit: number) => {
  const conditions: Where[] = [
    { newsletter: { equals: newsletterId } },
    { status: { equals: 'queued' } },
    { or: [{ nextAttemptAt: { exists: false } }, { nextAttemptAt: { less_than_equal: iso(Date.now()) } }] },
  ]
  if (afterId !== null) conditions.push({ id: { greater_than: afterId } })
  const { docs } = await payload.db.find<DeliveryRow>({
    collection: DELIVERIES,
    where: { and: conditions },
    select: { email: true, subscriber: true, attempts: true, messageId: true },
    sort: 'id',
    limit,
    pagination: false,
  })
  return docs.map((doc) => ({ ...doc, subscriber: relationId(doc.subscriber) }))
}

/** When the next queued delivery (a retry waiting for its backoff) becomes due, or null if none is queued. */
export const nextQueuedAttemptAt = async (payload: Payload, newsletterId: Id): Promise<number | null> => {
  const { docs } = await payload.db.find<Pick<Delivery, 'nextAttemptAt'>>({
    collection: DELIVERIES,
    where: { and: [{ newsletter: { equals: newsletterId } }, { status: { equals: 'queued' } }] },
    select: { nextAttemptAt: true },
    sort: 'nextAttemptAt',
    limit: 1,
    pagination: false,
  })
  if (!docs.length) return null
  return docs[0].nextAttemptAt ? Date.parse(docs[0].nextAttemptAt) : Date.now()
}

/**
 * Current status and name of subscribers, to honour unsubscribes made during the send, and
 * the secret their links carry (read here, through the adapter, since no API returns it).
 */
export const findSubscriberStates = async (payload: Payload, ids: Id[]) => {
  const { docs } = await payload.db.find<Pick<Subscriber, 'id' | 'status' | 'name' | 'manageSecret'>>({
    collection: SUBSCRIBERS,
    where: { id: { in: ids } },
    select: { status: true, name: true, manageSecret: true },
    limit: 0,
    pagination: false,
  })
  return new Map(docs.map((doc) => [String(doc.id), doc]))
}

/**
 * Moves queued deliveries to `sending` under `claimToken` (unique per group), then reads back
 * exactly the rows this call won. A row cancelled, skipped or claimed elsewhere in between is
 * simply not among them. After this, the message may leave; before it, it never does.
 */
export const claimDeliveries = async (payload: Payload, ids: Id[], claimToken: string): Promise<DeliveryRow[]> => {
  if (!ids.length) return []
  const claimable: Where = { and: [{ id: { in: ids } }, { status: { equals: 'queued' } }] }
  let rows: DeliveryRow[] = []
  // SQL adapters claim the whole group in the first update; MongoDB one row per call (see updateAllMatching).
  const once = updatesEveryMatchAtOnce(payload)
  for (let calls = 0; calls <= ids.length; calls++) {
    const updated = await payload.db.updateOne({ collection: DELIVERIES, where: claimable, data: { status: 'sending', leaseOwner: claimToken, updatedAt: iso(Date.now()) }, options: { atomic: true } })
    const { docs } = await payload.db.find<DeliveryRow>({
      collection: DELIVERIES,
      where: { and: [{ leaseOwner: { equals: claimToken } }, { status: { equals: 'sending' } }] },
      select: { email: true, subscriber: true, attempts: true, messageId: true },
      sort: 'id',
      limit: 0,
      pagination: false,
    })
    rows = docs.map((doc) => ({ ...doc, subscriber: relationId(doc.subscriber) }))
    if (!updated || once || rows.length >= ids.length) break
  }
  return rows
}

export type DeliveryOutcome =
  | { status: 'sent'; smtpResponse: string; attempts: number }
  | { status: 'queued'; lastError: string; smtpResponse?: string; nextAttemptAt: number; attempts: number }
  | { status: 'failed' | 'bounced' | 'unknown'; lastError: string; smtpResponse?: string; attempts: number }
  | { status: 'skipped'; lastError: string }

/**
 * Records outcomes of rows this worker moved to `sending` (or that a takeover has since
 * called `unknown`: a late `sent` is the truth). Rows with the same outcome share one update.
 */
export const recordOutcomes = async (payload: Payload, results: Array<{ id: Id; outcome: DeliveryOutcome }>) => {
  const groups = new Map<string, { data: Record<string, unknown>; ids: Id[] }>()
  const now = iso(Date.now())
  for (const { id, outcome } of results) {
    const data: Record<string, unknown> =
      outcome.status === 'sent'
        ? { status: 'sent', sentAt: now, smtpResponse: outcome.smtpResponse.slice(0, 500), attempts: outcome.attempts, lastError: null, leaseOwner: null }
        : outcome.status === 'queued'
          ? {
              status: 'queued',
              lastError: outcome.lastError.slice(0, 500),
              smtpResponse: outcome.smtpResponse?.slice(0, 500) ?? null,
              nextAttemptAt: iso(outcome.nextAttemptAt),
              attempts: outcome.attempts,
              leaseOwner: null,
            }
          : outcome.status === 'skipped'
            ? { status: 'skipped', lastError: outcome.lastError, leaseOwner: null }
            : {
                status: outcome.status,
                lastError: outcome.lastError.slice(0, 500),
                smtpResponse: outcome.smtpResponse?.slice(0, 500) ?? null,
                attempts: outcome.attempts,
                leaseOwner: null,
              }
    const key = JSON.stringify(data)
    data.updatedAt = now
    const group = groups.get(key) ?? { data, ids: [] }
    group.ids.push(id)
    groups.set(key, group)
  }
  for (const { data, ids } of groups.values()) {
    await updateAllMatching(payload, DELIVERIES, { and: [{ id: { in: ids } }, { status: { in: ['sending', 'unknown'] } }] }, data, ids.length)
  }
}

/** Queued rows whose subscriber is no longer confirmed (or gone) become `skipped`, never sent. */
export const skipQueuedDeliveries = (payload: Payload, ids: Id[], reason: string) =>
  ids.length
    ? updateAllMatching(payload, DELIVERIES, { and: [{ id: { in: ids } }, { status: { equals: 'queued' } }] }, { status: 'skipped', lastError: reason }, ids.length)
    : Promise.resolve()

/**
 * After taking a newsletter over: rows still `sending` were in flight when their worker
 * died. Their message may or may not have reached the server, so they become `unknown`:
 * shown to the owner, never resent automatically.
 */
export const markOrphansUnknown = (payload: Payload, newsletterId: Id, sendingBefore?: number) =>
  // Called right after a claim, before this worker moves any row to `sending`: every row
  // in `sending` belongs to a previous holder. With `sendingBefore`, only rows stuck that long.
  updateInPages(
    payload,
    {
      and: [
        { newsletter: { equals: newsletterId } },
        { status: { equals: 'sending' } },
        ...(sendingBefore ? [{ updatedAt: { less_than: iso(sendingBefore) } }] : []),
      ],
    },
    { status: 'unknown', lastError: 'In flight when its worker stopped: the server may or may not have accepted it. Not resent automatically.' },
  )

/** A person's "retry failed recipients only": failed rows go back to the queue with fresh attempts. */
export const requeueFailedDeliveries = (payload: Payload, newsletterId: Id) =>
  updateInPages(payload, { and: [{ newsletter: { equals: newsletterId } }, { status: { equals: 'failed' } }] }, {
    status: 'queued',
    attempts: 0,
    nextAttemptAt: null,
    leaseOwner: null,
  })

/** Cancelling: whatever has not been handed to the server yet stays unsent. */
export const cancelQueuedDeliveries = (payload: Payload, newsletterId: Id) =>
  updateInPages(payload, { and: [{ newsletter: { equals: newsletterId } }, { status: { equals: 'queued' } }] }, { status: 'cancelled', leaseOwner: null })

/** Per-status counts of a newsletter's deliveries, from the database (one count per status). */
export const countDeliveries = async (payload: Payload, newsletterId: Id): Promise<DeliveryCounts> => {
  const statuses = ['queued', 'sending', 'sent', 'failed', 'bounced', 'unknown', 'skipped', 'cancelled'] as const
  const counts = await Promise.all(
    statuses.map((status) =>
      payload.db.count({ collection: DELIVERIES, where: { and: [{ newsletter: { equals: newsletterId } }, { status: { equals: status } }] } }),
    ),
  )
  const result = Object.fromEntries(statuses.map((status, index) => [status, counts[index].totalDocs])) as Omit<DeliveryCounts, 'recipients'>
  return { ...result, recipients: Object.values(result).reduce((sum, n) => sum + n, 0) }
}

// ---------------------------------------------------------------------------------------
// Subscribers: bounces

/** A permanent failure counts against the address; a hard bounce (unknown user) stops future sends. */
export const recordBounce = async (payload: Payload, subscriberId: Id, hard: boolean) => {
  const current = await payload.db.findOne<Pick<Subscriber, 'id' | 'bounceCount' | 'status'>>({ collection: SUBSCRIBERS, where: { id: { equals: subscriberId } } })
  if (!current) return
  await payload.db.updateOne({
    collection: SUBSCRIBERS,
    id: subscriberId,
    data: { bounceCount: (current.bounceCount ?? 0) + 1, ...(hard && current.status === 'confirmed' ? { status: 'bounced' } : {}) },
    returning: false,
  })
}

/**
 * Erasing a subscriber: their deliveries keep the newsletter's counts but lose the person
 * (no address, no link to the subscriber); one still queued will never be sent.
 */
export const anonymiseDeliveriesOf = async (payload: Payload, subscriberId: Id) => {
  const theirs: Where = { subscriber: { equals: subscriberId } }
  await updateInPages(payload, { and: [theirs, { status: { equals: 'queued' } }] }, { status: 'skipped', lastError: 'Subscriber erased.' })
  return updateInPages(payload, theirs, { subscriber: null, email: 'erased', smtpResponse: null, lastError: null })
}

/** A subscriber who stops being confirmed mid-send: their queued deliveries are skipped, not sent. */
export const skipQueuedDeliveriesOf = (payload: Payload, subscriberId: Id, reason: string) =>
  updateInPages(payload, { and: [{ subscriber: { equals: subscriberId } }, { status: { equals: 'queued' } }] }, { status: 'skipped', lastError: reason })
