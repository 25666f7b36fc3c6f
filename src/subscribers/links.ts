import { getServerUrl } from '../utilities/serverUrl'
import { CONFIRM_TOKEN_TTL_MS, signToken } from './tokens'

/** What a link needs: the row's id and its secret (read from the row by the server only). */
export type SubscriberRef = { id: number | string; manageSecret?: string | null }

const secretOf = (subscriber: SubscriberRef) => {
  // Fail loudly rather than send a link that cannot work (or one resting on the id alone).
  if (!subscriber.manageSecret) throw new Error(`Subscriber ${subscriber.id} has no link secret: read it with overrideAccess or payload.db.`)
  return subscriber.manageSecret
}

export const confirmUrl = (subscriber: SubscriberRef, nonce: string, now = Date.now()) =>
  `${getServerUrl()}/email/confirm?token=${signToken({ p: 'confirm', s: String(subscriber.id), k: secretOf(subscriber), n: nonce, e: now + CONFIRM_TOKEN_TTL_MS })}`

const manageToken = (subscriber: SubscriberRef) => signToken({ p: 'manage', s: String(subscriber.id), k: secretOf(subscriber) })

export const preferencesUrl = (subscriber: SubscriberRef) => `${getServerUrl()}/email/preferences?token=${manageToken(subscriber)}`

export const unsubscribeUrl = (subscriber: SubscriberRef) => `${getServerUrl()}/email/unsubscribe?token=${manageToken(subscriber)}`

/**
 * The mailbox for `mailto:` unsubscribes, only when `EMAIL_UNSUBSCRIBE_MAILBOX` names one: a
 * mailbox someone reads (or a program that acts on it) and unsubscribes the sender within two
 * days, as Gmail and Yahoo require. An address nobody reads would be a promise broken; the
 * https one-click URL alone meets RFC 8058.
 */
const unsubscribeMailbox = () => process.env.EMAIL_UNSUBSCRIBE_MAILBOX?.trim() || undefined

/** `List-Unsubscribe` for a one-click URL: the URL, then the mailbox when one is configured (the subject carries `subjectNote`). */
export const listUnsubscribeValue = (url: string, subjectNote: string) => {
  const mailbox = unsubscribeMailbox()
  return mailbox ? `<${url}>, <mailto:${mailbox}?subject=${encodeURIComponent(subjectNote)}>` : `<${url}>`
}

/**
 * RFC 2369 and RFC 8058 headers for a subscriber: an https URL that unsubscribes on a
 * single POST (what Gmail and Yahoo require of bulk senders), and the mailto: fallback when
 * EMAIL_UNSUBSCRIBE_MAILBOX is set.
 */
export const listUnsubscribeHeaders = (subscriber: SubscriberRef): Record<string, string> => ({
  'List-Unsubscribe': listUnsubscribeValue(unsubscribeUrl(subscriber), `unsubscribe ${manageToken(subscriber)}`),
  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
})
