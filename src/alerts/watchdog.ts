import crypto from 'node:crypto'
import os from 'node:os'

import type { Payload } from 'payload'

import { ALERT_KINDS } from '../../collections/Alerts'
import type { Alert } from '../../payload-types'
import { metrics } from '../metrics/registry'
import { loadMonitoringConfig, type MonitoringConfig } from '../monitoring/config'
import { detectProblems, type DetectContext } from './detectors'
import { alertMailer, alertRecipients, composeAlertEmail } from './notify'
import { alertKey, claimDueEmails, findOpenAlerts, markEmailed, openAlert, releaseEmails, resolveAlert, type EmailType } from './store'

const EMAIL_LEASE_MS = 2 * 60_000
const lastEmailKey = (type: EmailType) => `alerts:last-email:${type}`

/**
 * The app's watchdog: every ALERT_CHECK_INTERVAL_MS each app process looks for problems
 * (src/alerts/detectors.ts), opens and resolves incidents, and sends the emails that are
 * due. It runs in the app, not the worker, because the worker may be what is down. Every
 * app process runs one; the incident rows make them agree (src/alerts/store.ts).
 *
 * Never a flood: the incidents due in one check share one email, and after an email the
 * next of its type (problems, recoveries) waits ALERT_EMAIL_MIN_GAP_MS, gathering what
 * happens meanwhile.
 */
export class AlertWatchdog {
  readonly owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`
  private timer?: NodeJS.Timeout
  private checking?: Promise<void>
  private readonly watchingSince = Date.now()
  checks = 0

  constructor(
    public payload: Payload,
    private readonly config: MonitoringConfig = loadMonitoringConfig(),
  ) {}

  start() {
    this.timer = setInterval(() => void this.check(), this.config.alertCheckMs)
    this.timer.unref()
    // The first look soon after start, not a whole interval later.
    setTimeout(() => void this.check(), Math.min(1_000, this.config.alertCheckMs)).unref()
    this.payload.logger.info({ event: 'alerts.watchdog-started', owner: this.owner, intervalMs: this.config.alertCheckMs, workerMissingMs: this.config.workerMissingMs })
  }

  stop() {
    clearInterval(this.timer)
    return this.checking
  }

  /** One round; overlapping calls share the round in progress. */
  check(now = Date.now()): Promise<void> {
    this.checking ??= this.round(now)
      .catch((error: unknown) => this.payload.logger.error({ event: 'alerts.check-failed', err: error }))
      .finally(() => {
        this.checks++
        metrics().alertChecks.inc()
        this.checking = undefined
      })
    return this.checking
  }

  private async round(now: number) {
    const { payload, config } = this
    const clinic = (await payload.findGlobal({ slug: 'clinic', depth: 0, overrideAccess: true }).catch(() => null)) as { name?: string; timezone?: string } | null
    const open = await findOpenAlerts(payload)
    const context: DetectContext = { payload, config, now, watchingSince: this.watchingSince, open, timeZone: clinic?.timezone || 'America/Chicago' }
    const { problems, uncertainKinds } = await detectProblems(context)
    if (context.workersAlive !== undefined) metrics().workersAlive.set(context.workersAlive)

    const openKeys = new Set(open.map((alert) => alert.key))
    for (const [key, problem] of problems) {
      if (openKeys.has(key)) continue
      if (await openAlert(payload, problem, now)) payload.logger.warn({ event: 'alerts.opened', key, title: problem.title, owner: this.owner })
    }
    for (const alert of open) {
      if (problems.has(alertKey({ kind: alert.kind, subject: alert.subject ?? '' })) || uncertainKinds.has(alert.kind)) continue
      if (await resolveAlert(payload, alert, now)) payload.logger.info({ event: 'alerts.resolved', key: alert.key, owner: this.owner })
    }
    for (const kind of ALERT_KINDS) metrics().alertsOpen.set({ kind }, [...problems.values()].filter((problem) => problem.kind === kind).length)

    const siteName = `${clinic?.name || 'Clinic'} CMS`
    await this.sendDue('problem', siteName, now)
    await this.sendDue('recovery', siteName, now)
  }

  private async sendDue(type: EmailType, siteName: string, now: number) {
    const { payload, config } = this
    if (config.alertEmailGapMs > 0) {
      const last = await payload.kv.get<{ at: number }>(lastEmailKey(type))
      if (last && now - last.at < config.alertEmailGapMs) return
    }
    const claimed = await claimDueEmails(payload, type, this.owner, EMAIL_LEASE_MS, now)
    if (!claimed.length) return
    const recipients = await alertRecipients(payload, config)
    if (!recipients.length) {
      payload.logger.warn({ event: 'alerts.no-recipients', message: 'No ALERT_EMAIL and no admin user: nobody to tell.', alerts: claimed.map((alert) => alert.key) })
      await releaseEmails(payload, claimed, type, this.owner, 'skipped')
      return
    }
    const email = composeAlertEmail(claimed as Alert[], type, siteName)
    try {
      await alertMailer(payload).send({ to: recipients.join(', '), ...email })
    } catch (error) {
      metrics().alertEmails.inc({ type, outcome: 'failed' })
      payload.logger.error({ event: 'alerts.email-failed', type, alerts: claimed.map((alert) => alert.key), err: error })
      await releaseEmails(payload, claimed, type, this.owner, 'pending')
      return
    }
    await markEmailed(payload, claimed, type, this.owner)
    await payload.kv.set(lastEmailKey(type), { at: Date.now() })
    metrics().alertEmails.inc({ type, outcome: 'sent' })
    payload.logger.info({ event: 'alerts.emailed', type, subject: email.subject, recipients: recipients.length, alerts: claimed.map((alert) => alert.key) })
  }
}

const WATCHDOG = Symbol.for('clinic.alertWatchdog')
type Holder = { [WATCHDOG]?: AlertWatchdog }

/**
 * Starts the watchdog once per process, in the app only: `npm start`'s server processes and
 * `npm run dev`'s Next (Next compiles `process.env.NEXT_RUNTIME` into its server bundle),
 * not the worker, seed or tests (ALERT_WATCHDOG=on/off overrides), nor `next build`.
 */
export const startAlertWatchdog = (payload: Payload) => {
  const config = loadMonitoringConfig()
  const inApp = process.env.NEXT_RUNTIME === 'nodejs' && process.env.NEXT_PHASE !== 'phase-production-build'
  if (config.watchdog === 'off' || (config.watchdog === 'auto' && !inApp)) return null
  const holder = globalThis as Holder
  if (holder[WATCHDOG]) {
    // Payload initialised again in this process (dev reload): keep one clock, on the newest instance.
    holder[WATCHDOG].payload = payload
    return holder[WATCHDOG]
  }
  const watchdog = new AlertWatchdog(payload, config)
  holder[WATCHDOG] = watchdog
  watchdog.start()
  return watchdog
}
