import { createHash, createHmac } from 'node:crypto'

import { EMAIL_EVENT_TYPES, type EmailEvent, type EmailEventType } from '../types'
import { sameSecret, str } from './shared'
import type { EmailEventSource, ProviderOutcome } from './types'

/**
 * `generic`: for a relay or script of your own. A JSON body, one event or an array:
 * `{ "type": "hard_bounce" | "soft_bounce" | "complaint", "email", "messageId"?, "reason"?, "occurredAt"?, "id"? }`,
 * signed exactly like the project's outgoing webhooks (src/webhooks/signature.ts):
 * `X-Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with
 * `EMAIL_EVENTS_SECRET`, at most five minutes old.
 */

export const GENERIC_MAX_AGE_SECONDS = 5 * 60
const MAX_FUTURE_SECONDS = 60

type Signature = { t: string; v1: string[] }

const parseSignatureHeader = (header: string): Signature | null => {
  let t: string | undefined
  const v1: string[] = []
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2)
    if (key === 't' && value) t = value
    if (key === 'v1' && value && /^[0-9a-f]{64}$/i.test(value)) v1.push(value.toLowerCase())
  }
  return t && /^\d{1,12}$/.test(t) && v1.length ? { t, v1 } : null
}

/** Checks `X-Webhook-Signature` against `secret`; null when good, else why not. */
export const checkWebhookSignature = (header: string | null, rawBody: string, secret: string, now: Date): string | null => {
  if (!header) return 'Missing X-Webhook-Signature header.'
  const signature = parseSignatureHeader(header)
  if (!signature) return 'X-Webhook-Signature must read t=<unix seconds>,v1=<hex HMAC-SHA256>.'
  const age = Math.floor(now.getTime() / 1000) - Number(signature.t)
  if (age > GENERIC_MAX_AGE_SECONDS || age < -MAX_FUTURE_SECONDS) return 'Stale signature timestamp (more than five minutes off).'
  const expected = createHmac('sha256', secret).update(`${signature.t}.${rawBody}`).digest('hex')
  // Every v1 is compared (a sender rotating secrets may send two); constant time each.
  return signature.v1.some((given) => sameSecret(given, expected)) ? null : 'Bad signature.'
}

const MAX_EMAIL_LENGTH = 254

/** One event of the body, checked; a message naming the field when it is wrong. */
const readEvent = (item: unknown, index: number, signedAt: string, receivedAt: Date): EmailEvent | string => {
  const where = `Event ${index + 1}`
  if (!item || typeof item !== 'object' || Array.isArray(item)) return `${where} must be an object.`
  const event = item as Record<string, unknown>
  if (typeof event.type !== 'string' || !EMAIL_EVENT_TYPES.includes(event.type as EmailEventType)) {
    return `${where}: "type" must be one of ${EMAIL_EVENT_TYPES.map((type) => `"${type}"`).join(', ')}.`
  }
  const email = str(event.email)
  if (!email || email.length > MAX_EMAIL_LENGTH || !/^[^\s@]+@[^\s@]+$/.test(email)) return `${where}: "email" must be an email address.`
  for (const field of ['messageId', 'reason', 'occurredAt', 'id'] as const) {
    if (event[field] !== undefined && event[field] !== null && typeof event[field] !== 'string') return `${where}: "${field}" must be a string when given.`
  }
  const messageId = str(event.messageId)
  if (messageId && messageId.length > 998) return `${where}: "messageId" is longer than a header line (998 characters).`
  let occurredAt = receivedAt.toISOString()
  const given = str(event.occurredAt)
  if (given) {
    const ms = Date.parse(given)
    if (!Number.isFinite(ms)) return `${where}: "occurredAt" must be an ISO 8601 time, e.g. 2026-12-03T09:30:00Z.`
    // A report from the future is a clock error: it would outrank every later delivery.
    occurredAt = new Date(Math.min(ms, receivedAt.getTime())).toISOString()
  }
  const type = event.type as EmailEventType
  const reason = str(event.reason)?.slice(0, 500)
  // Without an id of its own, the event's fields are its identity (the signature's time when it
  // has no time): a retried request has no second effect, a report of a later bounce does.
  const id = str(event.id)?.slice(0, 200) ?? createHash('sha256').update(JSON.stringify([type, email.toLowerCase(), messageId ?? '', given ?? `t=${signedAt}`])).digest('hex').slice(0, 32)
  return { provider: 'generic', eventId: id, type, email, ...(messageId ? { messageId } : {}), ...(reason ? { reason } : {}), occurredAt }
}

export const parseGenericEvents = (rawBody: string, signedAt: string, receivedAt: Date): ProviderOutcome => {
  let body: unknown
  try {
    body = JSON.parse(rawBody)
  } catch {
    return { kind: 'invalid', message: 'Body is not JSON.' }
  }
  const items = Array.isArray(body) ? body : [body]
  const events: EmailEvent[] = []
  for (const [index, item] of items.entries()) {
    const event = readEvent(item, index, signedAt, receivedAt)
    // Our own sender: a wrong event is a bug to fix, so the whole request is refused and nothing applied.
    if (typeof event === 'string') return { kind: 'invalid', message: `${event} Nothing was applied.` }
    events.push(event)
  }
  return { kind: 'events', events }
}

export const genericSource: EmailEventSource = {
  provider: 'generic',
  isConfigured: (env) => Boolean(env.EMAIL_EVENTS_SECRET?.trim()),
  async handle(request, env) {
    const secret = env.EMAIL_EVENTS_SECRET!.trim()
    const header = request.headers.get('x-webhook-signature')
    const refusal = checkWebhookSignature(header, request.rawBody, secret, request.receivedAt)
    if (refusal) return { kind: 'unauthorized', message: refusal }
    const signedAt = /t=(\d+)/.exec(header!)![1]
    return parseGenericEvents(request.rawBody, signedAt, request.receivedAt)
  },
}
