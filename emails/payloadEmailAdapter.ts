import { convert } from 'html-to-text'
import type { PayloadEmailAdapter as EmailAdapter, SendEmailOptions } from 'payload'

import { sendAfterAnswer } from '../src/utilities/mailAfterAnswer'
import { createMailer, DEFAULT_FROM, type Mailer } from './transport'

/**
 * Payload's own system mail (forgot-password, and any other it sends) through the project's
 * one transport (`createMailer`: the SMTP pool, or the `.eml` outbox in development), from the
 * clinic's `EMAIL_FROM`. Without an adapter Payload only logs "Email attempted without being
 * configured" and a staff member's password reset never arrives.
 *
 * Not @payloadcms/email-nodemailer: it wants a bare nodemailer transport and, without one,
 * sends development mail to Ethereal on the internet; the outbox and the pool's settings
 * (TCP_NODELAY, rate, requeue) live in `createMailer`.
 *
 * The mail goes out after the request has answered (failures are logged): forgot-password
 * then takes as long for an unknown address as for a staff one, so its timing does not say
 * which addresses exist (Payload answers the same body either way).
 */

const parseFrom = (from: string) => {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from)
  return match ? { name: match[1].trim(), address: match[2].trim() } : { name: '', address: from.trim() }
}

type Address = string | { name?: string; address: string }
const recipients = (to: SendEmailOptions['to']): string => {
  const list = (Array.isArray(to) ? to : [to]).filter(Boolean) as Address[]
  return list.map((entry) => (typeof entry === 'string' ? entry : entry.address)).join(', ')
}

const asText = (value: SendEmailOptions['html']): string => (typeof value === 'string' ? value : value ? String(value) : '')

export const clinicEmailAdapter = (options: { mailer?: Mailer } = {}): EmailAdapter => ({ payload }) => {
  const from = parseFrom(process.env.EMAIL_FROM?.trim() || DEFAULT_FROM)
  let mailer = options.mailer
  const getMailer = () => (mailer ??= createMailer({ logger: { info: (line) => payload.logger.info(line) } }))
  return {
    name: 'clinic-mailer',
    defaultFromAddress: from.address,
    defaultFromName: from.name || 'Stevenson Clinic',
    sendEmail: async (message) => {
      const html = asText(message.html)
      const text = asText(message.text) || convert(html, { wordwrap: 78 })
      const outgoing = { to: recipients(message.to), subject: String(message.subject ?? ''), html: html || text, text }
      sendAfterAnswer(
        () => getMailer().send(outgoing),
        (error) => payload.logger.error({ event: 'payload-email.failed', subject: outgoing.subject, err: error }),
      )
      return { queued: true }
    },
  }
}
