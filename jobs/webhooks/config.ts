/**
 * Every knob of webhook delivery, in one place (as jobs/scheduling/config.ts). Environment
 * variables exist for operators and for tests that need short retries.
 */
import type { PipelineConfig } from '../shared/config'
import { numberFromEnv } from '../shared/env'

export type WebhookConfig = PipelineConfig & {
  /** Whole-request budget of one POST: connect, send, status line and excerpt. */
  timeoutMs: number
  /** The cap on retry delays (their jitter here is ±50 %). The lease is always longer than a POST may take. */
  retryMaxMs: number
  /** POSTs in flight at once per worker (never two for the same document and webhook). */
  concurrency: number
  /** Bytes of a receiver's response kept for the delivery log; the rest is not read. */
  excerptBytes: number
  /** Due deliveries read per query, and queries per tick at most. */
  pageSize: number
  maxPagesPerTick: number
}

export const loadWebhookConfig = (overrides: Partial<WebhookConfig> = {}): WebhookConfig => {
  const timeoutMs = numberFromEnv('WEBHOOK_TIMEOUT_MS', 10_000)
  const config: WebhookConfig = {
    tick: process.env.WEBHOOK_TICK || '* * * * * *',
    timeoutMs,
    leaseMs: numberFromEnv('WEBHOOK_LEASE_MS', 30_000),
    maxAttempts: numberFromEnv('WEBHOOK_MAX_ATTEMPTS', 8),
    retryBaseMs: numberFromEnv('WEBHOOK_RETRY_BASE_MS', 30_000),
    retryMaxMs: numberFromEnv('WEBHOOK_RETRY_MAX_MS', 60 * 60_000),
    concurrency: numberFromEnv('WEBHOOK_CONCURRENCY', 4),
    excerptBytes: 500,
    pageSize: 100,
    maxPagesPerTick: 10,
    ...overrides,
  }
  // A lease shorter than a POST would let a second worker send while the first still waits.
  config.leaseMs = Math.max(config.leaseMs, config.timeoutMs + 5_000)
  return config
}

/** Delay before attempt `attempts + 1`, after `attempts` failed ones. */
export const retryDelayMs = (config: WebhookConfig, attempts: number) =>
  Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** (attempts - 1)) * (0.5 + Math.random())

export const USER_AGENT = 'StevensonClinicCMS-Webhooks/1.0'
