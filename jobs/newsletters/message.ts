import { personaliseNewsletterParts, type CompiledNewsletter } from '../../emails/newsletters/compile'
import { newMessageId, newsletterHeaders } from '../../emails/headers'
import type { OutgoingEmail } from '../../emails/transport'
import type { Newsletter } from '../../payload-types'
import { listUnsubscribeHeaders, listUnsubscribeValue, preferencesUrl, unsubscribeUrl } from '../../src/subscribers/links'
import type { DeliveryRow } from './store/deliveries'
import type { Id } from './store/shared'

/** One recipient's message of a newsletter: the compiled parts personalised, and the headers every copy carries. */

/** A claimed delivery with what its links need: the subscriber's name and link secret. */
export type Ready = DeliveryRow & { name?: string | null; manageSecret?: string | null }

/**
 * A delivery's Message-ID, made once when the audience is copied and stored on the delivery:
 * a retry after a 4xx is the same message to every mailbox, and a bounce or complaint names
 * it (src/emailEvents/apply.ts matches by it). Random, on the From domain (emails/headers.ts).
 */
export const deliveryMessageId = () => newMessageId()

/** The headers every copy of one newsletter carries (List-Id, Precedence, Feedback-ID): made once per send. */
export const newsletterListHeaders = (compiled: CompiledNewsletter, newsletter: Pick<Newsletter, 'id' | 'template'>) =>
  newsletterHeaders({ clinicName: compiled.clinicName || 'Clinic', newsletterId: newsletter.id, template: newsletter.template ?? 'newsletter' })

/** Throws when the copy cannot be personalised (the delivery then fails, never half-sent). */
export const newsletterMessage = (compiled: CompiledNewsletter, row: Ready, listHeaders: Record<string, string>): OutgoingEmail => {
  const subscriber = { id: row.subscriber as Id, manageSecret: row.manageSecret }
  const body = personaliseNewsletterParts(compiled, { name: row.name, unsubscribeUrl: unsubscribeUrl(subscriber), preferencesUrl: preferencesUrl(subscriber) })
  return {
    to: row.email,
    subject: compiled.subject,
    html: body.html,
    text: body.text,
    // A row copied before deliveries had ids gets a fresh one; its events then match by address and time.
    messageId: row.messageId || deliveryMessageId(),
    headers: { ...listUnsubscribeHeaders(subscriber), ...listHeaders },
  }
}

/** A rendered test copy (renderNewsletterPreview with the preview links) of a newsletter. */
export type TestSendContent = { subject: string; html: string; text: string; clinicName: string }

/**
 * The owner's test copy of a newsletter, to her own address (`POST /api/newsletters/:id/send-test`):
 * a real send's headers and links, subject prefixed "[Test] ", except that its opt-out links are
 * preview links, which act on nobody and say so (the one-click POST answers 200).
 */
export const testSendMessage = (
  content: TestSendContent,
  to: string,
  newsletter: Pick<Newsletter, 'id' | 'template'>,
  links: { unsubscribeUrl: string },
): OutgoingEmail => ({
  to,
  subject: `[Test] ${content.subject}`,
  html: content.html,
  text: content.text,
  headers: {
    'List-Unsubscribe': listUnsubscribeValue(links.unsubscribeUrl, 'test'),
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    ...newsletterHeaders({ clinicName: content.clinicName || 'Clinic', newsletterId: newsletter.id, template: newsletter.template ?? 'newsletter' }),
    'X-Newsletter-Test': String(newsletter.id),
  },
})
