import { randomBytes } from 'node:crypto'

import addressparser from 'nodemailer/lib/addressparser'

/**
 * The headers mailbox providers read to sort mail, made the same way for every message:
 *
 * - **Message-ID** `<random@From domain>`: 144 random bits, nothing about the recipient or the
 *   CMS host, unique across database resets and environments. A newsletter delivery's id is
 *   made once, stored on the delivery (collections/Deliveries `messageId`) and reused by its
 *   retries, which is what bounce and complaint events are matched by (src/emailEvents/apply.ts).
 * - **List-Id** `"<clinic> newsletter" <newsletter.<From domain>>` (RFC 2919), on newsletters.
 * - **Precedence: bulk** on newsletters; **Auto-Submitted: auto-generated** (RFC 3834) on every
 *   message (emails/transport.ts adds it), so autoresponders stay quiet.
 * - **Feedback-ID** `<newsletterId>:<template>:newsletter:<senderId>` on newsletters: Gmail's
 *   feedback loop (Postmaster Tools) reports spam rates per value of each of its fields, so a
 *   complaint-heavy newsletter (first field) or template (second) stands out; the last field,
 *   the sender id, is the From domain, one per clinic, as Gmail asks (constant per sender).
 */

/** The sender when EMAIL_FROM is unset: fine for the development outbox, a warning in production (src/ops/deliverability.ts). */
export const DEFAULT_FROM = 'Stevenson Clinic <no-reply@localhost>'

/** The domain of `EMAIL_FROM` (lower case), or of the default sender. */
export const senderDomain = (from = process.env.EMAIL_FROM?.trim() || DEFAULT_FROM): string => {
  // nodemailer's own parser (display names with commas, quotes, comments), as it reads EMAIL_FROM to send.
  const address = addressparser(from, { flatten: true })[0]?.address ?? ''
  return (address.split('@').pop() ?? '').trim().toLowerCase() || 'localhost'
}

/** A new Message-ID on the sender's domain: base64url is all RFC 5322 atext. */
export const newMessageId = (domain = senderDomain()) => `<${randomBytes(18).toString('base64url')}@${domain}>`

/** Text safe inside a header's quoted-string: no quotes, backslashes or control characters. */
const quotable = (text: string) => text.replace(/[\u0000-\u001f\u007f"\\]/g, ' ').replace(/\s+/g, ' ').trim()

/** Feedback-ID fields hold no colon (the separator) and no spaces. */
const feedbackField = (value: string | number) => String(value).replace(/[^A-Za-z0-9._-]/g, '-')

export type NewsletterHeaderInput = { clinicName: string; newsletterId: string | number; template: string; domain?: string }

/** A header phrase: a quoted-string when ASCII, otherwise one RFC 2047 encoded word (allowed in a phrase, RFC 2047 §5). */
const phrase = (text: string) => {
  const clean = quotable(text)
  return /^[\x20-\x7e]*$/.test(clean) ? `"${clean}"` : `=?UTF-8?B?${Buffer.from(clean).toString('base64')}?=`
}

/** The list headers of a newsletter copy; the opt-out headers come with the recipient (src/subscribers/links.ts). */
export const newsletterHeaders = ({ clinicName, newsletterId, template, domain = senderDomain() }: NewsletterHeaderInput): Record<string, string> => ({
  'List-Id': `${phrase(`${clinicName} newsletter`)} <newsletter.${domain}>`,
  Precedence: 'bulk',
  'Feedback-ID': `${feedbackField(newsletterId)}:${feedbackField(template)}:newsletter:${feedbackField(domain)}`,
})
