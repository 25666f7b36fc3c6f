import { createPublicKey, verify, type KeyObject } from 'node:crypto'

import type { EmailEvent, EmailEventType } from '../types'
import type { EmailEventSource, ProviderOutcome, ProviderRequest } from './types'

/**
 * SendGrid's Signed Event Webhook: SendGrid signs `timestamp + rawBody` with an ECDSA P-256 key
 * (SHA-256, DER signature, base64 in X-Twilio-Email-Event-Webhook-Signature); the verification
 * key is shown under Settings > Mail Settings > Event Webhook as base64 DER SubjectPublicKeyInfo.
 * Pure: verify and parse only, the endpoint does the rest.
 */

export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature'
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp'
/** SendGrid documents no window; five minutes is the usual webhook tolerance and bounds replays of a captured request. */
export const SENDGRID_MAX_AGE_MS = 5 * 60 * 1000
// A timestamp a little ahead of our clock is clock skew, not a replay.
const MAX_FUTURE_MS = 60 * 1000

const keyCache = new Map<string, KeyObject | null>()

/** The configured key as SendGrid shows it (base64 DER SPKI) or PEM; null when it does not parse as an EC public key. */
export function parseSendgridPublicKey(value: string): KeyObject | null {
  const trimmed = value.trim()
  if (keyCache.has(trimmed)) return keyCache.get(trimmed) ?? null
  let key: KeyObject | null = null
  try {
    key = trimmed.includes('-----BEGIN')
      ? createPublicKey({ key: trimmed.replace(/\\n/g, '\n'), format: 'pem' })
      : createPublicKey({ key: Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' })
    if (key.asymmetricKeyType !== 'ec') key = null
  } catch {
    key = null
  }
  // Only a handful of values ever (one env var): no bound needed beyond a crude cap.
  if (keyCache.size > 16) keyCache.clear()
  keyCache.set(trimmed, key)
  return key
}

/** True when `signature` (base64 DER) is SendGrid's signature of timestamp + rawBody under `key`. */
export function verifySendgridSignature(key: KeyObject, timestamp: string, rawBody: string, signature: string): boolean {
  const sig = Buffer.from(signature.trim(), 'base64')
  if (sig.length === 0) return false
  try {
    return verify('sha256', Buffer.from(timestamp + rawBody, 'utf8'), { key, dsaEncoding: 'der' }, sig)
  } catch {
    return false
  }
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined)
const bareId = (value: string) => value.trim().replace(/^<|>$/g, '')

function eventType(event: Record<string, unknown>): EmailEventType | null {
  switch (event.event) {
    case 'bounce':
      // SendGrid folds "blocked" into bounce events (type: "blocked"): a refusal that may pass later, not a dead address.
      return event.type === 'blocked' ? 'soft_bounce' : 'hard_bounce'
    case 'blocked':
      return 'soft_bounce'
    // Not `deferred`: SendGrid sends one per retry, each with its own id, and usually delivers in
    // the end (a final failure arrives as a `bounce`); counted, they would suppress good addresses.
    case 'spamreport':
      return 'complaint'
    default:
      return null
  }
}

function reasonOf(event: Record<string, unknown>): string | undefined {
  const parts = [str(event.bounce_classification), str(event.status), str(event.reason) ?? str(event.response)].filter(Boolean)
  return parts.length ? parts.join(' ').slice(0, 500) : undefined
}

/** Turns a verified body into events; `invalid` when it is not the documented array of objects. */
export function parseSendgridEvents(rawBody: string, receivedAt: Date): ProviderOutcome {
  let body: unknown
  try {
    body = JSON.parse(rawBody)
  } catch {
    return { kind: 'invalid', message: 'Body is not JSON.' }
  }
  if (!Array.isArray(body)) return { kind: 'invalid', message: 'Body must be a JSON array of events.' }
  const events: EmailEvent[] = []
  for (const item of body) {
    // One odd entry skipped, not the batch refused: a 400 makes SendGrid retry the whole batch for a day, good events included.
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue
    const event = item as Record<string, unknown>
    const type = eventType(event)
    if (!type) continue // delivered, open, click, processed, unsubscribe...: not ours to act on
    const email = str(event.email)
    const eventId = str(event.sg_event_id)
    // Without sg_event_id a retry could not be told from a new event.
    if (!email || !eventId) continue
    const smtpId = str(event['smtp-id'])
    const seconds = typeof event.timestamp === 'number' ? event.timestamp : Number(event.timestamp)
    const occurredAt = Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : receivedAt.toISOString()
    events.push({
      provider: 'sendgrid',
      eventId,
      type,
      email,
      ...(smtpId ? { messageId: bareId(smtpId) } : {}),
      ...(reasonOf(event) ? { reason: reasonOf(event) } : {}),
      occurredAt,
    })
  }
  return { kind: 'events', events }
}

export const sendgridSource: EmailEventSource = {
  provider: 'sendgrid',
  isConfigured: (env) => Boolean(env.SENDGRID_WEBHOOK_PUBLIC_KEY?.trim()),
  async handle(request: ProviderRequest, env): Promise<ProviderOutcome> {
    const configured = env.SENDGRID_WEBHOOK_PUBLIC_KEY?.trim()
    const key = configured ? parseSendgridPublicKey(configured) : null
    // A key that does not parse is a setup error; saying so in the 401 helps whoever set it, reveals nothing.
    if (!key) return { kind: 'unauthorized', message: 'SENDGRID_WEBHOOK_PUBLIC_KEY is not a valid EC public key.' }
    const signature = request.headers.get(SENDGRID_SIGNATURE_HEADER)
    const timestamp = request.headers.get(SENDGRID_TIMESTAMP_HEADER)
    if (!signature || !timestamp) return { kind: 'unauthorized', message: 'Missing signature or timestamp header.' }
    if (!/^\d{1,12}$/.test(timestamp.trim())) return { kind: 'unauthorized', message: 'Bad timestamp header.' }
    const age = request.receivedAt.getTime() - Number(timestamp.trim()) * 1000
    if (age > SENDGRID_MAX_AGE_MS || age < -MAX_FUTURE_MS) return { kind: 'unauthorized', message: 'Stale timestamp.' }
    // The header value exactly as sent: the signature covers its characters, not the number.
    if (!verifySendgridSignature(key, timestamp, request.rawBody, signature)) return { kind: 'unauthorized', message: 'Bad signature.' }
    return parseSendgridEvents(request.rawBody, request.receivedAt)
  },
}
