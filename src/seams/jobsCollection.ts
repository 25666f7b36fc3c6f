import type { Where } from 'payload'

/**
 * Payload's own fields of a `payload-jobs` row, which the scheduled-publishing pipeline
 * (jobs/scheduling) reads and writes although they are Payload's runner's internals. Every
 * other file names them through this module; tests/int/seams/jobsCollection.int.spec.ts
 * states what is relied on and fails if an upgrade renames them or changes their defaults.
 *
 * - `waitUntil`: when the job may run next (Payload's runner skips it before). A retry moves
 *   it; `scheduledFor` (the project's field) keeps the time asked for.
 * - `totalTried`: attempts so far (0 when queued).
 * - `processing`, `hasError`, `completedAt`: Payload's runner takes only jobs with
 *   `processing: false`, `hasError` not true and no `completedAt` (payload 3.90
 *   `queues/operations/runJobs`). The worker writes them in step with its own `state`, so
 *   that Payload's runner (`payload jobs:run`, or an autoRun someone adds) never runs a
 *   change the worker holds or finished, and the admin shows Payload's own status right.
 *
 * Why the worker does not use `payload.jobs.run`: its claim is `payload.db.updateMany`
 * `{ processing: true }` over the due jobs, which on SQL reads ids and then writes each row
 * without the condition (tests/int/seams/database.int.spec.ts shows two concurrent claims
 * both winning the same rows), and it has no lease: a worker that dies mid-job leaves
 * `processing: true` for good. The worker claims with a lease instead (jobs/scheduling/store.ts).
 *
 * MongoDB: the same fields, same names, in the `payload-jobs` collection; the runner's
 * query and claim are the same calls (a `find` then `updateMany` on `_id $in`).
 */

export const JOBS_COLLECTION = 'payload-jobs' as const

/** The internal fields, as a row read through `payload.db` has them. */
export type PayloadJobFields = {
  taskSlug?: string | null
  waitUntil?: string | null
  totalTried?: number | null
  processing?: boolean | null
  hasError?: boolean | null
  completedAt?: string | null
}

/** The field the next run time is in: to sort and filter by. */
export const NEXT_RUN_FIELD = 'waitUntil' as const

/** Jobs of the task `slug`. */
export const ofTask = (slug: string): Where => ({ taskSlug: { equals: slug } })

/** Jobs whose next run is at or before `iso`. */
export const dueBy = (iso: string): Where => ({ [NEXT_RUN_FIELD]: { less_than_equal: iso } })

/** Jobs whose next run is at or after `iso`. */
export const nextRunSince = (iso: string): Where => ({ [NEXT_RUN_FIELD]: { greater_than_equal: iso } })

/** When the job may run next; null when Payload has none recorded. */
export const nextRunOf = (job: PayloadJobFields): string | null => job.waitUntil ?? null

/** Attempts Payload has recorded; null when none is recorded (callers choose the default). */
export const attemptsOf = (job: PayloadJobFields): number | null => (typeof job.totalTried === 'number' ? job.totalTried : null)

/** What to write along with the pipeline's own state, so Payload's runner and admin agree. */
export const jobFieldsWhen = {
  /** A worker holds it: Payload's runner must not take it. */
  claimed: () => ({ processing: true }),
  /** Given back untried (graceful shutdown): runnable again. */
  released: () => ({ processing: false }),
  /** Applied (or nothing to do): complete, for Payload too. */
  done: (completedAtIso: string) => ({ processing: false, completedAt: completedAtIso, hasError: false }),
  /** Failed, to be retried at `retryAtIso`. */
  retrying: (attempts: number, retryAtIso: string) => ({ processing: false, totalTried: attempts, [NEXT_RUN_FIELD]: retryAtIso }),
  /** Failed for good: Payload's error flag and message. */
  failed: (attempts: number, message: string) => ({ processing: false, totalTried: attempts, hasError: true, error: { message } }),
}

/** The time a change was asked for: the project's `scheduledFor`, or Payload's `waitUntil` on rows written before it existed. */
export const plannedFor = (job: PayloadJobFields & { scheduledFor?: string | null }): string | null => job.scheduledFor ?? nextRunOf(job)
