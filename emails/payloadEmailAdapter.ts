import { convert } from 'html-to-text'
import type { PayloadEmailAdapter as EmailAdapter, SendEmailOptions } from 'payload'

import { loadDkimConfig } from './dkim'
import { recordThenSendAfterAnswer } from './outbox'
import { DEFAULT_FROM } from './transport'

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
 * Through the outbox (emails/outbox): recorded, then attempted once the request has answered,
 * and retried by the worker if that attempt fails. Forgot-password itself already runs after
 * its answer (src/security/forgotPasswordEndpoint.ts), so its timing says nothing about which
 * addresses exist.
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

// Payload's forgot-password subject (its `authentication:resetYourPassword` text, the Users collection sets no other).
const PASSWORD_RESET_SUBJECT = /reset your password/i

export const clinicEmailAdapter = (): EmailAdapter => ({ payload }) => {
  // At Payload's start, in the app and the worker alike: a half DKIM configuration or an
  // unreadable key stops the process with its message instead of surfacing at the first send.
  loadDkimConfig()
  const from = parseFrom(process.env.EMAIL_FROM?.trim() || DEFAULT_FROM)
  return {
    name: 'clinic-mailer',
    defaultFromAddress: from.address,
    defaultFromName: from.name || 'Stevenson Clinic',
    sendEmail: async (message) => {
      const html = asText(message.html)
      const text = asText(message.text) || convert(html, { wordwrap: 78 })
      const subject = String(message.subject ?? '')
      await recordThenSendAfterAnswer(payload, {
        kind: PASSWORD_RESET_SUBJECT.test(subject) ? 'password-reset' : 'system',
        to: recipients(message.to),
        subject,
        html: html || text,
        text,
      })
      return { queued: true }
    },
  }
}
