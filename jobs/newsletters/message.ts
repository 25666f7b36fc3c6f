import { personaliseNewsletterParts, type CompiledNewsletter } from '../../emails/newsletters/compile'
import type { OutgoingEmail } from '../../emails/transport'
import { listUnsubscribeHeaders, preferencesUrl, unsubscribeUrl } from '../../src/subscribers/links'
import { getServerUrl } from '../../src/utilities/serverUrl'
import type { DeliveryRow } from './store/deliveries'
import type { Id } from './store/shared'

/** One recipient's message of a newsletter: the compiled parts personalised, and the headers every copy carries. */

/** A claimed delivery with what its links need: the subscriber's name and link secret. */
export type Ready = DeliveryRow & { name?: string | null; manageSecret?: string | null }

/** The clinic's host, for List-Id and Message-ID (`<…@host>`). */
export const clinicHost = () => new URL(getServerUrl()).hostname || 'localhost'

/** Same delivery, same Message-ID: a message retried after a 4xx is the same message to every mailbox. */
export const deliveryMessageId = (newsletterId: Id, subscriberId: Id) => `<newsletter-${newsletterId}.subscriber-${subscriberId}@${clinicHost()}>`

/** Throws when the copy cannot be personalised (the delivery then fails, never half-sent). */
export const newsletterMessage = (compiled: CompiledNewsletter, row: Ready, newsletterId: Id, host: string): OutgoingEmail => {
  const subscriber = { id: row.subscriber as Id, manageSecret: row.manageSecret }
  const body = personaliseNewsletterParts(compiled, { name: row.name, unsubscribeUrl: unsubscribeUrl(subscriber), preferencesUrl: preferencesUrl(subscriber) })
  return {
    to: row.email,
    subject: compiled.subject,
    html: body.html,
    text: body.text,
    messageId: row.messageId || deliveryMessageId(newsletterId, subscriber.id),
    headers: { ...listUnsubscribeHeaders(subscriber), 'List-Id': `<newsletter.${host}>` },
  }
}
