/**
 * The outbox's knobs (as jobs/webhooks/config.ts). Environment variables exist for operators
 * and for tests that need short retries.
 */
import type { PipelineConfig } from '../../jobs/shared/config'
import { numberFromEnv } from '../../jobs/shared/env'

export type OutboxConfig = PipelineConfig & {
  /** A queued row younger than this is left to the process that recorded it (it attempts right after its answer). */
  graceMs: number
  /** The cap on retry delays. */
  retryMaxMs: number
  /** Rows a worker round takes at most. */
  batchSize: number
  /** Sent and skipped rows are deleted after this many days (they hold addresses and live links). */
  keepDays: number
}

export const loadOutboxConfig = (overrides: Partial<OutboxConfig> = {}): OutboxConfig => ({
  tick: process.env.TRANSACTIONAL_TICK || '*/5 * * * * *',
  // A row `sending` for longer than this belonged to a process that died mid-send: `unknown`.
  leaseMs: numberFromEnv('TRANSACTIONAL_LEASE_MS', 5 * 60_000),
  maxAttempts: numberFromEnv('TRANSACTIONAL_MAX_ATTEMPTS', 8),
  retryBaseMs: numberFromEnv('TRANSACTIONAL_RETRY_BASE_MS', 60_000),
  retryMaxMs: numberFromEnv('TRANSACTIONAL_RETRY_MAX_MS', 60 * 60_000),
  graceMs: numberFromEnv('TRANSACTIONAL_GRACE_MS', 30_000),
  batchSize: 50,
  keepDays: numberFromEnv('TRANSACTIONAL_KEEP_DAYS', 30),
  ...overrides,
})

/** Delay before attempt `attempts + 1`, after `attempts` failed ones: doubling, with jitter (0.5×–1.5×). */
export const outboxRetryDelayMs = (config: OutboxConfig, attempts: number) =>
  Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** Math.max(0, attempts - 1)) * (0.5 + Math.random())
