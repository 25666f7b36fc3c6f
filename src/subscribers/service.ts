import type { Payload } from 'payload'

import type { Subscriber } from '../../payload-types'
import { confirmUrl, preferencesUrl } from './links'
import { newNonce, verifyToken } from './tokens'

export const CONSENT_TEXT_DEFAULT =
  'I would like to receive emails from Stevenson Therapeutic Medical Massage and Facials about articles and news. I can unsubscribe at any time.'
export const CONSENT_VERSION_DEFAULT = '2026-11'

export type SubscribeInput = { email: string; name?: string; topicIds: number[]; consentText?: string }
export type RequestMeta = { ip: string; userAgent: string; source: string }

/**
 * Handles a signup without revealing whether the address was known: every branch ends
 * the same way for the caller. Emails are sent after the caller has answered, so timing
 * does not tell either.
 */
export const subscribe = async (payload: Payload, input: SubscribeInput, meta: RequestMeta): Promise<() => Promise<void>> => {
  const consent = {
    at: new Date().toISOString(),
    ip: meta.ip,
    userAgent: meta.userAgent.slice(0, 300),
    source: meta.source,
    text: input.consentText || CONSENT_TEXT_DEFAULT,
    version: input.consentText ? 'custom' : CONSENT_VERSION_DEFAULT,
  }
  const { docs } = await payload.find({ collection: 'subscribers', where: { email: { equals: input.email } }, limit: 1, overrideAccess: true, depth: 0 })
  const existing = docs[0] as Subscriber | undefined

  if (existing?.status === 'confirmed') {
    return () => sendSubscriberEmail(payload, existing, 'alreadySubscribed', { preferencesUrl: preferencesUrl(existing) })
  }
  // Bounced and complained addresses get nothing: mailing them again hurts deliverability.
  if (existing && (existing.status === 'bounced' || existing.status === 'complained')) return async () => {}

  const nonce = newNonce()
  const data = {
    name: input.name || existing?.name || undefined,
    topics: input.topicIds.length ? input.topicIds : ((existing?.topics ?? []) as number[]),
    status: 'pending' as const,
    consent,
    confirmationNonce: nonce,
  }
  const subscriber = existing
    ? await payload.update({ collection: 'subscribers', id: existing.id, data, overrideAccess: true, depth: 0 })
    : await payload.create({ collection: 'subscribers', data: { ...data, email: input.email }, overrideAccess: true, depth: 0 })
  return () => sendSubscriberEmail(payload, subscriber, 'confirmSubscription', { confirmUrl: confirmUrl(subscriber, nonce) })
}

export type ConfirmOutcome =
  | { kind: 'confirmed' | 'already-confirmed'; subscriber: Subscriber }
  | { kind: 'invalid' | 'expired' | 'used' | 'unknown' }

export const confirm = async (payload: Payload, token: unknown): Promise<ConfirmOutcome> => {
  const check = verifyToken(token, 'confirm')
  if (!check.ok) return { kind: check.reason === 'expired' ? 'expired' : 'invalid' }
  const subscriber = await findSubscriber(payload, check.claims.s)
  if (!subscriber) return { kind: 'unknown' }
  if (subscriber.status === 'confirmed') return { kind: 'already-confirmed', subscriber }
  const stored = await payload.db.findOne({ collection: 'subscribers', where: { id: { equals: subscriber.id } } })
  if (!stored || (stored as any).confirmationNonce !== check.claims.n) return { kind: 'used' }
  const confirmed = (await payload.update({
    collection: 'subscribers',
    id: subscriber.id,
    data: { status: 'confirmed', confirmedAt: new Date().toISOString(), unsubscribedAt: null, confirmationNonce: null },
    overrideAccess: true,
    depth: 0,
  })) as Subscriber
  void sendSubscriberEmail(payload, confirmed, 'welcome', { preferencesUrl: preferencesUrl(confirmed) }).catch((error) =>
    payload.logger.error({ event: 'subscriber.welcome-failed', err: error }),
  )
  return { kind: 'confirmed', subscriber: confirmed }
}

export type ManageOutcome = { kind: 'ok'; subscriber: Subscriber } | { kind: 'invalid' | 'unknown' }

export const findByManageToken = async (payload: Payload, token: unknown): Promise<ManageOutcome> => {
  const check = verifyToken(token, 'manage')
  if (!check.ok) return { kind: 'invalid' }
  const subscriber = await findSubscriber(payload, check.claims.s)
  return subscriber ? { kind: 'ok', subscriber } : { kind: 'unknown' }
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

const findSubscriber = async (payload: Payload, id: string) =>
  (await payload.findByID({ collection: 'subscribers', id, overrideAccess: true, depth: 0, disableErrors: true })) as Subscriber | null

