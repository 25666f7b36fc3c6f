import client from 'prom-client'

/**
 * The process's Prometheus registry and every metric the project records (README
 * "Monitoring" lists them). One set per process, kept on globalThis: the production server
 * (server.ts) and the Payload inside Next's server bundle may each load their own copy of
 * this module, and must count into the same registry. The app and the worker define the
 * same metrics; each fills the ones its code paths touch.
 */
const createMetrics = () => {
  const registry = new client.Registry()
  // Process CPU, memory, GC and event-loop lag (nodejs_eventloop_lag_seconds…).
  client.collectDefaultMetrics({ register: registry })
  const registers = [registry]
  const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
    new client.Counter<L>({ name, help, labelNames, registers })
  return {
    registry,
    httpRequests: counter('clinic_http_requests_total', 'HTTP requests answered by npm start, by route family and status code.', ['family', 'status'] as const),
    httpDuration: new client.Histogram({
      name: 'clinic_http_request_duration_seconds',
      help: 'Time from request to the end of the response, by route family.',
      labelNames: ['family'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    scheduledLateness: new client.Histogram({
      name: 'clinic_scheduled_change_lateness_seconds',
      help: 'How late a scheduled publish or unpublish was applied (applied time minus the time asked for).',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
      registers,
    }),
    scheduledChanges: counter(
      'clinic_scheduled_changes_total',
      'Scheduled change attempts by outcome: applied, already-applied, retrying (failed attempt), failed (final), lost-lease.',
      ['outcome'] as const,
    ),
    newsletterMessages: counter(
      'clinic_newsletter_messages_total',
      'Newsletter messages by outcome: sent, failed, bounced, unknown, deferred (a transient failure queued again).',
      ['outcome'] as const,
    ),
    smtpInUse: new client.Gauge({
      name: 'clinic_smtp_pool_in_use',
      help: 'Newsletter messages handed to the SMTP pool and not answered yet (at most the pool size per connection round).',
      registers,
    }),
    smtpPoolSize: new client.Gauge({ name: 'clinic_smtp_pool_size', help: 'SMTP connections the worker pool may open (SMTP_POOL_SIZE).', registers }),
    webhookDeliveries: counter('clinic_webhook_deliveries_total', 'Webhook delivery attempts by outcome: delivered, retrying, failed (final).', ['outcome'] as const),
    heartbeatAge: new client.Gauge({
      name: 'clinic_worker_heartbeat_age_seconds',
      help: 'Seconds since the newest worker heartbeat (worker: its own last successful beat); -1 when none was ever seen.',
      registers,
      // Across app processes the freshest view is the truth.
      aggregator: 'min',
      async collect() {
        const source = (globalThis as Holder)[SOURCE]
        if (!source) return
        const lastBeat = await source().catch(() => undefined)
        if (lastBeat === undefined) return
        this.set(lastBeat === null ? -1 : Math.max(0, (Date.now() - lastBeat) / 1000))
      },
    }),
    workersAlive: new client.Gauge({
      name: 'clinic_workers_alive',
      help: 'Workers whose heartbeat is within WORKER_STALE_MS, as the watchdog last saw (app only).',
      aggregator: 'max',
      registers,
    }),
    heartbeatFailures: counter('clinic_worker_heartbeat_failures_total', 'Heartbeat writes that failed.'),
    alertsOpen: new client.Gauge({
      name: 'clinic_alerts_open',
      help: 'Open incidents by kind, as the watchdog last saw (app only).',
      labelNames: ['kind'] as const,
      aggregator: 'max',
      registers,
    }),
    jsonLdBuilds: counter('clinic_jsonld_builds_total', 'JSON-LD objects this process computed for a read (src/fields/jsonLd.ts).'),
    richTextHtmlBuilds: counter('clinic_richtext_html_builds_total', 'Rich-text HTML siblings (<field>Html) this process rendered for a read (src/fields/richTextHtml.ts).'),
    dbQueries: counter('clinic_db_queries_total', 'SQL statements this process sent to SQLite (Drizzle logger).'),
    alertChecks: counter('clinic_alert_checks_total', "Watchdog rounds finished by this app's processes."),
    alertEmails: counter('clinic_alert_emails_total', 'Alert emails by type (problem, recovery) and outcome (sent, failed).', ['type', 'outcome'] as const),
  }
}

export type ClinicMetrics = ReturnType<typeof createMetrics>

/** Returns the newest heartbeat time (ms) this process knows, null for none ever: set by the app or the worker. */
type HeartbeatSource = () => Promise<number | null>

const KEY = Symbol.for('clinic.metrics')
const SOURCE = Symbol.for('clinic.metrics.heartbeatSource')
type Holder = { [KEY]?: ClinicMetrics; [SOURCE]?: HeartbeatSource }

export const metrics = (): ClinicMetrics => ((globalThis as Holder)[KEY] ??= createMetrics())

export const setHeartbeatSource = (source: HeartbeatSource) => {
  ;(globalThis as Holder)[SOURCE] = source
}

/**
 * A counter that mirrors a number some other code already counts (the response cache's
 * hits, for instance): at each scrape it adds what was counted since, so the hot path pays
 * nothing for the metric.
 */
export const mirrorCounter = (name: string, help: string, read: () => number) => {
  let last = 0
  return new client.Counter({
    name,
    help,
    registers: [metrics().registry],
    collect() {
      const value = read()
      if (value > last) this.inc(value - last)
      last = value
    },
  })
}

export const mirrorGauge = (name: string, help: string, read: () => number) =>
  new client.Gauge({
    name,
    help,
    registers: [metrics().registry],
    collect() {
      this.set(read())
    },
  })
