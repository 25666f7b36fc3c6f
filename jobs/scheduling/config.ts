/**
 * Every knob of the scheduled-publishing pipeline, in one place (listmonk's `Config` idea).
 * Environment variables exist for operators and for tests that need short leases.
 */
import { isPublishedContentSlug, PUBLISHED_CONTENT_COLLECTIONS, type PublishedContentSlug } from '../../collections/shared/publishedContentSlugs'
import type { PipelineConfig } from '../shared/config'
import { numberFromEnv } from '../shared/env'

export type SchedulerConfig = PipelineConfig & {
  /** How far ahead the clock arms precise timers. */
  horizonMs: number
  /** Changes read per discovery at most (the soonest first). */
  discoveryLimit: number
  /** Fault injection for crash tests only: sleep this long after claiming, before applying. */
  holdClaimMs: number
}

export const loadSchedulerConfig = (overrides: Partial<SchedulerConfig> = {}): SchedulerConfig => ({
  tick: process.env.SCHEDULER_TICK || '* * * * * *',
  horizonMs: numberFromEnv('SCHEDULER_HORIZON_MS', 5 * 60_000),
  discoveryLimit: 1000,
  leaseMs: numberFromEnv('SCHEDULER_LEASE_MS', 30_000),
  maxAttempts: numberFromEnv('SCHEDULER_MAX_ATTEMPTS', 4),
  retryBaseMs: numberFromEnv('SCHEDULER_RETRY_BASE_MS', 5_000),
  holdClaimMs: numberFromEnv('SCHEDULER_TEST_HOLD_CLAIM_MS', 0),
  ...overrides,
})

/** The collections whose documents can be published and unpublished on a schedule. */
export const SCHEDULABLE_COLLECTIONS = PUBLISHED_CONTENT_COLLECTIONS
export type SchedulableCollection = PublishedContentSlug

export const isSchedulableCollection = isPublishedContentSlug

/** Payload's own task name: the admin's "Schedule" drawer creates and lists these jobs. */
export const SCHEDULE_TASK = 'schedulePublish'
