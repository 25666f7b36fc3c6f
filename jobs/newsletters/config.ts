/**
 * Every knob of the newsletter sending pipeline, in one place. Environment variables exist
 * for operators and for tests that need short leases and quick retries.
 */
import type { PipelineConfig } from '../shared/config'
import { numberFromEnv } from '../shared/env'

export type NewsletterSendConfig = PipelineConfig & {
  /** The SMTP server the self-pause probe checks (`SMTP_URL`; the mailer reads the same variable). */
  smtpUrl: string
  /** How often the holder renews its lease (and notices a pause or a cancel). */
  renewEveryMs: number
  /** Subscribers copied into deliveries per snapshot step. */
  snapshotBatch: number
  /** Queued deliveries read ahead per query (reading claims nothing). */
  readAheadBatch: number
  /** Newsletters looked at per clock tick (due, expired leases, self-paused). */
  dueBatch: number
  /**
   * Deliveries allowed in `sending` at once: the most that can end `unknown` if this worker
   * dies. Default: the SMTP pool size, the bound the newsletter issue promises (only what is
   * on the wire can be ambiguous). Twice the pool size keeps every connection's next message
   * ready while results are written: faster, with up to twice as many `unknown` per crash.
   */
  inFlight: number
  /** Deliveries claimed (and results written) per database update: the pool size. */
  claimBatch: number
  /** Consecutive connection failures after which the newsletter pauses itself (server down). */
  unreachableAfter: number
  /** How often a self-paused newsletter's worker checks whether the SMTP server is back. */
  probeEveryMs: number
}

export const loadNewsletterSendConfig = (overrides: Partial<NewsletterSendConfig> = {}): NewsletterSendConfig => {
  const poolSize = numberFromEnv('SMTP_POOL_SIZE', 5)
  const leaseMs = numberFromEnv('NEWSLETTER_LEASE_MS', 30_000)
  return {
    smtpUrl: process.env.SMTP_URL ?? '',
    tick: process.env.NEWSLETTER_TICK || '* * * * * *',
    leaseMs,
    renewEveryMs: Math.min(1_000, Math.floor(leaseMs / 3)),
    snapshotBatch: numberFromEnv('NEWSLETTER_SNAPSHOT_BATCH', 250),
    readAheadBatch: 200,
    dueBatch: 100,
    inFlight: numberFromEnv('NEWSLETTER_IN_FLIGHT', poolSize),
    claimBatch: poolSize,
    maxAttempts: numberFromEnv('NEWSLETTER_MAX_ATTEMPTS', 5),
    retryBaseMs: numberFromEnv('NEWSLETTER_RETRY_BASE_MS', 60_000),
    unreachableAfter: numberFromEnv('NEWSLETTER_SMTP_DOWN_AFTER', 5),
    probeEveryMs: numberFromEnv('NEWSLETTER_SMTP_PROBE_MS', 10_000),
    ...overrides,
  }
}

/**
 * `leaseOwner` of a newsletter that paused itself because the SMTP server was unreachable:
 * the worker probes the server and resumes it. A manual pause leaves `leaseOwner` empty, and
 * only a person resumes it.
 */
export const SMTP_DOWN_OWNER = 'smtp-unreachable'

/**
 * Sizes of the store's own pages, fixed rather than per worker: they bound one statement
 * (rows returned, values bound), not the pipeline's pace, and the app process (cancel,
 * retry, erasure, audience size) uses them too.
 */
export const NEWSLETTER_STORE_LIMITS = {
  /** Delivery ids per bulk transition (cancel, retry, orphans, erasure). */
  idPage: 500,
  /** Rows per multi-row insert: 8 bound values each, well under SQLite's 32,766, whatever the snapshot batch. */
  insertChunk: 500,
  /** Subscribers per page when counting an audience before the send. */
  audiencePage: 1000,
} as const
