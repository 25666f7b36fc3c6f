import type { Payload } from 'payload'

import { escapeHtml } from '../../emails/escapeHtml'
import { createMailer, type Mailer } from '../../emails/transport'
import type { Alert } from '../../payload-types'
import type { MonitoringConfig } from '../monitoring/config'
import type { EmailType } from './store'

/** `ALERT_EMAIL`, or else every admin user's address. */
export const alertRecipients = async (payload: Payload, config: MonitoringConfig): Promise<string[]> => {
  if (config.alertEmails.length) return config.alertEmails
  const { docs } = await payload.db.find({ collection: 'users', where: { roles: { contains: 'admin' } }, limit: 100, pagination: false, select: { email: true } })
  return (docs as Array<{ email?: string }>).map((user) => user.email).filter((email): email is string => Boolean(email))
}

const MAILER = Symbol.for('clinic.alertMailer')
/** One per process, reused (the SMTP pool keeps its connection). */
export const alertMailer = (payload: Payload): Mailer =>
  ((globalThis as { [MAILER]?: Mailer })[MAILER] ??= createMailer({ logger: { info: (line) => payload.logger.info(line) } }))

/**
 * One email for every incident claimed in one check: a single incident gets its own subject,
 * several are listed together, so a burst of failures is one message, not a flood.
 */
export const composeAlertEmail = (alerts: Alert[], type: EmailType, siteName: string) => {
  const prefix = `[${siteName}]`
  const subject =
    alerts.length === 1
      ? `${prefix} ${type === 'recovery' ? 'Resolved: ' : ''}${alerts[0].title}`
      : `${prefix} ${type === 'recovery' ? `Resolved: ${alerts.length} problems` : `${alerts.length} problems need attention`}`
  const intro =
    type === 'recovery'
      ? alerts.length === 1
        ? 'This problem has cleared:'
        : 'These problems have cleared:'
      : alerts.length === 1
        ? 'The CMS noticed a problem that needs someone to look at it:'
        : 'The CMS noticed problems that need someone to look at them:'
  const when = (alert: Alert) => (type === 'recovery' ? `Opened ${alert.openedAt}, cleared ${alert.resolvedAt ?? 'now'}.` : `Since ${alert.openedAt}.`)
  const text = [
    intro,
    '',
    ...alerts.flatMap((alert) => [`* ${alert.title}`, ...(type === 'problem' ? (alert.detail ?? '').split('\n').map((line) => `  ${line}`) : []), `  ${when(alert)}`, '']),
    'You get one email when a problem starts and one when it clears. Incidents: Settings → Alerts in the admin.',
  ].join('\n')
  const html = `<p>${escapeHtml(intro)}</p><ul>${alerts
    .map(
      (alert) =>
        `<li><strong>${escapeHtml(alert.title)}</strong>${
          type === 'problem' ? (alert.detail ?? '').split('\n').map((line) => `<br>${escapeHtml(line)}`).join('') : ''
        }<br><small>${escapeHtml(when(alert))}</small></li>`,
    )
    .join('')}</ul><p><small>You get one email when a problem starts and one when it clears. Incidents: Settings → Alerts in the admin.</small></p>`
  return { subject, text, html }
}
