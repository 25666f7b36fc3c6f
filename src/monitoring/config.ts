/**
 * Every knob of "know it is working" (heartbeats, health, alerts, metrics), in one place,
 * read when called so tests can set the environment first. README "Monitoring" lists them.
 */
import { numberFromEnv } from '../../jobs/shared/env'

export type MonitoringConfig = {
  /** How often each worker upserts its heartbeat row (WORKER_HEARTBEAT_MS). */
  heartbeatMs: number
  /** A worker whose last beat is older than this is gone (WORKER_STALE_MS). */
  staleMs: number
  /** Queued work this far past its time makes health `degraded`. */
  overdueMs: number
  /** Health answers 503 when its database reads take longer than this (HEALTH_TIMEOUT_MS). */
  healthTimeoutMs: number
  /** The watchdog's alert when no worker has been alive for this long (ALERT_WORKER_MISSING_MS). */
  workerMissingMs: number
  /** How often each app process runs the watchdog (ALERT_CHECK_INTERVAL_MS). */
  alertCheckMs: number
  /** A webhook target that accepted nothing for this long is an incident (ALERT_WEBHOOK_FAILING_MS). */
  webhookFailingMs: number
  /** After an alert email, the next one of the same kind (problems, recoveries) waits at least this long, gathering what happens meanwhile (ALERT_EMAIL_MIN_GAP_MS). */
  alertEmailGapMs: number
  /** `ALERT_EMAIL`: comma-separated recipients; empty means every admin user. */
  alertEmails: string[]
  /** `ALERT_WATCHDOG`: `on` / `off` force it; unset = on in the app process (Next), off elsewhere. */
  watchdog: 'on' | 'off' | 'auto'
  /** `METRICS_TOKEN`: bearer token of /api/metrics and the worker's metrics port; unset = metrics off (404). */
  metricsToken: string | null
  /** `WORKER_METRICS_PORT`: the worker serves /metrics here (unset: no listener). */
  workerMetricsPort: number | null
  /** `WORKER_METRICS_HOST`: interface of that listener (default 127.0.0.1: scrape from this host, or set 0.0.0.0). */
  workerMetricsHost: string
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)

const port = (value: string | undefined): number | null => {
  if (!value?.trim()) return null
  const parsed = Number(value)
  return Number.isInteger(parsed) && parsed >= 0 && parsed <= 65535 ? parsed : null
}

export const loadMonitoringConfig = (env: NodeJS.ProcessEnv = process.env): MonitoringConfig => {
  const watchdog = env.ALERT_WATCHDOG?.trim().toLowerCase()
  return {
    heartbeatMs: numberFromEnv('WORKER_HEARTBEAT_MS', 5_000),
    staleMs: numberFromEnv('WORKER_STALE_MS', 30_000),
    overdueMs: numberFromEnv('HEALTH_OVERDUE_MS', 60_000),
    healthTimeoutMs: numberFromEnv('HEALTH_TIMEOUT_MS', 2_000),
    workerMissingMs: numberFromEnv('ALERT_WORKER_MISSING_MS', 5 * 60_000),
    alertCheckMs: numberFromEnv('ALERT_CHECK_INTERVAL_MS', 30_000),
    webhookFailingMs: numberFromEnv('ALERT_WEBHOOK_FAILING_MS', 60 * 60_000),
    alertEmailGapMs: env.ALERT_EMAIL_MIN_GAP_MS?.trim() === '0' ? 0 : numberFromEnv('ALERT_EMAIL_MIN_GAP_MS', 10 * 60_000),
    alertEmails: list(env.ALERT_EMAIL),
    watchdog: watchdog === 'on' || watchdog === 'off' ? watchdog : 'auto',
    metricsToken: env.METRICS_TOKEN?.trim() || null,
    workerMetricsPort: port(env.WORKER_METRICS_PORT),
    workerMetricsHost: env.WORKER_METRICS_HOST?.trim() || '127.0.0.1',
  }
}
