import type { Payload } from 'payload'

import type { Subscriber } from '../../payload-types'
import { claimOne } from '../seams/database'
import { drainBeforeExit } from '../utilities/drainBeforeExit'
import { sendAfterAnswer } from '../utilities/mailAfterAnswer'
import { emailKeyOf } from './emailAddress'
import { confirmUrl, preferencesUrl } from './links'
import { newNonce, sameSecret, type TokenClaims, verifyToken } from './tokens'

export const CONSENT_TEXT_DEFAULT =
  'I would like to receive emails from Stevenson Therapeutic Medical Massage and Facials about articles and news. I can unsubscribe at any time.'
export const CONSENT_VERSION_DEFAULT = '2026-11'

/**
 * `topicIds` empty means all topics. For a known address, empty topics keep the ones it
 * had, unless `replaceTopics` (the signup said "all topics" explicitly: src/subscribers/topics.ts).
 */
export type SubscribeInput = { email: string; name?: string; topicIds: number[]; replaceTopics?: boolean; consentText?: string }
export type RequestMeta = { ip: string; userAgent: string; source: string }

/**
 * Handles a signup without revealing whether the address was known: every branch ends
 * the same way for the caller. Runs after the caller has been answered (`queueSignup`),
 * so neither the answer nor its timing depends on the address.
 */
export const subscribe = async (payload: Payload, input: SubscribeInput, meta: RequestMeta, at = new Date()): Promise<() => Promise<void>> => {
  const consent = {
    at: at.toISOString(),
    ip: meta.ip,
    userAgent: meta.userAgent.slice(0, 300),
    source: meta.source,
    text: input.consentText || CONSENT_TEXT_DEFAULT,
    version: input.consentText ? 'custom' : CONSENT_VERSION_DEFAULT,
  }
  const existing = await findByEmail(payload, input.email)

  if (existing?.status === 'confirmed') {
    return () => sendSubscriberEmail(payload, existing, 'alreadySubscribed', { preferencesUrl: preferencesUrl(existing) })
  }
  // Bounced and complained addresses get nothing: mailing them again hurts deliverability.
  if (existing && (existing.status === 'bounced' || existing.status === 'complained')) return async () => {}

  // While pending, every signup sends a link with the same nonce (each link has its own
  // signed expiry), so the link in an earlier, slower email still confirms. A new nonce only
  // starts a new signup (after unsubscribing, or a row without one): older links stay dead.
  const sameSignup = existing?.status === 'pending' && !!existing.confirmationNonce
  const nonce = sameSignup ? existing.confirmationNonce! : newNonce()
  const data = {
    name: input.name || existing?.name || undefined,
    topics: input.topicIds.length || input.replaceTopics ? input.topicIds : ((existing?.topics ?? []) as number[]),
    status: 'pending' as const,
    consent,
    confirmationNonce: nonce,
    confirmationRequestedAt: at.toISOString(),
    // One reminder per signup: a signup again while pending is the same signup (it keeps its
    // reminder, sent or not); a new one may be reminded again.
    ...(sameSignup ? {} : { reminderSentAt: null }),
  }
  let subscriber: Subscriber
  if (existing) {
    // The address keeps the spelling it was first stored with: a signup in other capitals
    // is the same person, and must not let anyone rewrite how it is shown.
    subscriber = (await payload.update({ collection: 'subscribers', id: existing.id, data, overrideAccess: true, depth: 0 })) as Subscriber
  } else {
    try {
      subscriber = (await payload.create({ collection: 'subscribers', data: { ...data, email: input.email }, overrideAccess: true, depth: 0 })) as Subscriber
    } catch (error) {
      // Another process stored the same mailbox in between (the unique emailKey said no):
      // it is now an existing subscriber, so take that path once.
      if (!(await findByEmail(payload, input.email))) throw error
      return subscribe(payload, input, meta, at)
    }
  }
  return () => sendSubscriberEmail(payload, subscriber, 'confirmSubscription', { confirmUrl: confirmUrl(subscriber, nonce) })
}

/** Signups waiting to be written, at most this many (then the endpoint answers 503). */
export const SIGNUP_QUEUE_LIMIT = 1000
let signupQueue: Promise<void> = Promise.resolve()
let queuedSignups = 0

/**
 * The one path every signup takes: the request only validates and queues, and answers
 * 202; the lookup, the write (create, update or none) and the email happen here, one at a
 * time, after the answer. So the answer takes the same work whether the address is new,
 * pending, confirmed, unsubscribed or bounced. False when the queue is full.
 * A graceful stop waits for the queue (src/utilities/drainBeforeExit.ts); a signup still
 * queued when the process is killed is lost, and the person can sign up again.
 */
export const queueSignup = (payload: Payload, input: SubscribeInput, meta: RequestMeta): boolean => {
  if (queuedSignups >= SIGNUP_QUEUE_LIMIT) return false
  queuedSignups++
  const at = new Date()
  // setImmediate: start only once the answer has been handed back, never within it.
  const next = () =>
    new Promise<void>((resolve) =>
      setImmediate(async () => {
        try {
          const sendEmail = await subscribe(payload, input, meta, at)
          await sendEmail().catch((error) => payload.logger.error({ event: 'subscriber.email-failed', err: error }))
        } catch (error) {
          payload.logger.error({ event: 'subscriber.signup-failed', err: error })
        } finally {
          queuedSignups--
          resolve()
        }
      }),
    )
  signupQueue = signupQueue.then(next)
  return true
}

/** Resolves once every signup queued so far is written and its email handed over (tests, shutdown). */
export const signupsSettled = () => signupQueue

// A graceful stop (SIGTERM to `npm start`) writes the signups already answered 202.
drainBeforeExit('subscriber signups', signupsSettled)

/** The subscriber with this mailbox, in any capitalisation. */
export const findByEmail = async (payload: Payload, email: string) => {
  const { docs } = await payload.find({
    collection: 'subscribers',
    where: { emailKey: { equals: emailKeyOf(email) } },
    limit: 1,
    overrideAccess: true,
    depth: 0,
  })
  return docs[0] as Subscriber | undefined
}

/**
 * `gone`: a genuine link whose subscriber no longer exists (erased): no row holds its
 * secret any more, whatever now has the same id. Pages answer 410. `used`: a genuine link of
 * an earlier signup that has ended (confirmed, then unsubscribed; the nonce was cleared).
 */
export type ConfirmLinkCheck =
  | { kind: 'pending'; subscriber: Subscriber }
  | { kind: 'already-confirmed'; subscriber: Subscriber }
  | { kind: 'invalid' | 'expired' | 'used' | 'gone' }
export type ConfirmOutcome = { kind: 'confirmed' | 'already-confirmed'; subscriber: Subscriber } | { kind: 'invalid' | 'expired' | 'used' | 'gone' }

/**
 * What a confirm link would do, changing nothing: the confirm page's GET (link scanners such
 * as Microsoft Safe Links open every link in an email before the person does).
 */
export const checkConfirmLink = async (payload: Payload, token: unknown): Promise<ConfirmLinkCheck> => {
  const check = verifyToken(token, 'confirm')
  if (!check.ok) return { kind: check.reason === 'expired' ? 'expired' : 'invalid' }
  const subscriber = await subscriberOfLink(payload, check.claims)
  if (!subscriber) return { kind: 'gone' }
  if (subscriber.status === 'confirmed') return { kind: 'already-confirmed', subscriber }
  // Any other status (unsubscribed, bounced…) has no nonce, or a newer signup's: refused.
  if (subscriber.status !== 'pending' || !sameSecret(check.claims.n, subscriber.confirmationNonce)) return { kind: 'used' }
  return { kind: 'pending', subscriber }
}

/**
 * The confirm form's POST: idempotent (a confirmed subscriber's link answers `already-confirmed`).
 * The move from pending to confirmed is one conditional update on the nonce the link carries,
 * so of two presses at once (a double click, possibly reaching two server processes) exactly
 * one confirms and sends the welcome email.
 */
export const confirm = async (payload: Payload, token: unknown): Promise<ConfirmOutcome> => {
  const link = await checkConfirmLink(payload, token)
  if (link.kind !== 'pending') return link
  const now = new Date().toISOString()
  const confirmed = await claimOne<Subscriber>(payload, {
    collection: 'subscribers',
    id: link.subscriber.id,
    when: { and: [{ status: { equals: 'pending' } }, { confirmationNonce: { equals: link.subscriber.confirmationNonce } }] },
    data: { status: 'confirmed', confirmedAt: now, unsubscribedAt: null, confirmationNonce: null, updatedAt: now },
  })
  if (!confirmed) {
    // Lost to another press (or a new signup changed the nonce): the link reads as the row now stands.
    const current = await checkConfirmLink(payload, token)
    return current.kind === 'pending' ? { kind: 'used' } : current
  }
  sendAfterAnswer(
    () => sendSubscriberEmail(payload, confirmed, 'welcome', { preferencesUrl: preferencesUrl(confirmed) }),
    (error) => payload.logger.error({ event: 'subscriber.welcome-failed', err: error }),
  )
  return { kind: 'confirmed', subscriber: confirmed }
}

export type ManageOutcome = { kind: 'ok'; subscriber: Subscriber } | { kind: 'invalid' | 'gone' }

export const findByManageToken = async (payload: Payload, token: unknown): Promise<ManageOutcome> => {
  const check = verifyToken(token, 'manage')
  if (!check.ok) return { kind: 'invalid' }
  const subscriber = await subscriberOfLink(payload, check.claims)
  return subscriber ? { kind: 'ok', subscriber } : { kind: 'gone' }
}

/**
 * The subscriber a genuine (signature-checked) link was written for, or null.
 * - Links with a secret (`k`): the row with that id, only if it holds that secret
 *   (compared in constant time). An erased subscriber's secret is gone with the row, so a
 *   later subscriber who gets the same id back never matches.
 * - Links without one, sent before per-subscriber secrets: only the subscriber the
 *   migration recorded for that id in `legacyLinkIds` (the row itself, or the one its
 *   case-duplicate was merged into). Rows created since never have any.
 */
const subscriberOfLink = async (payload: Payload, claims: TokenClaims): Promise<Subscriber | null> => {
  if (typeof claims.s !== 'string' || !/^[0-9a-f]{1,24}$/i.test(claims.s)) return null
  if (claims.k !== undefined) {
    const subscriber = await findSubscriber(payload, claims.s)
    return subscriber && sameSecret(claims.k, subscriber.manageSecret) ? subscriber : null
  }
  const { docs } = await payload.find({
    collection: 'subscribers',
    where: { legacyLinkIds: { contains: `,${claims.s},` } },
    limit: 1,
    overrideAccess: true,
    depth: 0,
  })
  return (docs[0] as Subscriber | undefined) ?? null
}

/** Idempotent: unsubscribing twice is the same as once. */
export const unsubscribe = async (payload: Payload, subscriber: Subscriber) => {
  if (subscriber.status === 'unsubscribed') return subscriber
  return (await payload.update({
    collection: 'subscribers',
    id: subscriber.id,
    data: { status: 'unsubscribed', unsubscribedAt: new Date().toISOString(), confirmationNonce: null },
    overrideAccess: true,
    depth: 0,
  })) as Subscriber
}

export const updatePreferences = async (
  payload: Payload,
  subscriber: Subscriber,
  changes: { name?: string; topicIds: number[] },
) =>
  (await payload.update({
    collection: 'subscribers',
    id: subscriber.id,
    data: { name: changes.name ?? subscriber.name, topics: changes.topicIds },
    overrideAccess: true,
    depth: 0,
  })) as Subscriber

/** Loaded on first send: MJML and the SMTP transport stay out of start-up. */
const sendSubscriberEmail: typeof import('./mail').sendSubscriberEmail = async (...args) =>
  (await import('./mail')).sendSubscriberEmail(...args)

/** With overrideAccess: the row's secret and nonce are read too (server-side only, never sent). */
const findSubscriber = async (payload: Payload, id: string) =>
  (await payload.findByID({ collection: 'subscribers', id, overrideAccess: true, depth: 0, disableErrors: true })) as Subscriber | null

