import type { EmailEvent, EmailEventType } from '../types'
import { bareMessageId, isoTime, joinReason, obj, sameSecret, str } from './shared'
import type { EmailEventSource, ProviderOutcome } from './types'

/**
 * Postmark's bounce and spam-complaint webhooks: one JSON record per request, authenticated by
 * the HTTP basic credentials Postmark puts in the webhook URL
 * (`https://<user>:<password>@<host>/api/email-events/postmark`), checked against
 * `POSTMARK_WEBHOOK_USER` / `POSTMARK_WEBHOOK_PASSWORD`. Postmark signs nothing else, so the
 * credentials are the whole check: use long random ones.
 */

// Postmark's bounce types (https://postmarkapp.com/developer/api/bounce-api#bounce-types) that say something about the address.
const BOUNCE_TYPES: Record<string, EmailEventType> = {
  HardBounce: 'hard_bounce',
  BadEmailAddress: 'hard_bounce',
  ManuallyDeactivated: 'hard_bounce',
  SoftBounce: 'soft_bounce',
  Transient: 'soft_bounce',
  DnsError: 'soft_bounce',
  Blocked: 'soft_bounce',
  SpamNotification: 'soft_bounce',
  SpamComplaint: 'complaint',
}
// Ignored: AutoResponder, AddressChange, Subscribe/Unsubscribe, ChallengeVerification, OpenRelayTest, VirusNotification, Unknown…

const credentialsOf = (authorization: string | null): { user: string; password: string } | null => {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '')
  if (!match) return null
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

export const parsePostmarkRecord = (rawBody: string, receivedAt: Date): ProviderOutcome => {
  let record: Record<string, unknown> | undefined
  try {
    record = obj(JSON.parse(rawBody))
  } catch {
    return { kind: 'invalid', message: 'Body is not JSON.' }
  }
  if (!record) return { kind: 'invalid', message: 'Body must be one Postmark webhook record (a JSON object).' }
  const recordType = str(record.RecordType)
  // Delivery, Open, Click, SubscriptionChange: not ours to act on.
  if (recordType !== 'Bounce' && recordType !== 'SpamComplaint') return { kind: 'events', events: [] }
  const type = recordType === 'SpamComplaint' ? 'complaint' : BOUNCE_TYPES[str(record.Type) ?? '']
  const email = str(record.Email)
  const id = record.ID === undefined || record.ID === null ? undefined : String(record.ID)
  if (!type || !email || !id) return { kind: 'events', events: [] }
  // Postmark's MessageID is its own, not our Message-ID header; metadata set when sending names ours.
  const metadata = obj(record.Metadata)
  const messageId = str(metadata?.['message-id']) ?? str(metadata?.messageId)
  const event: EmailEvent = {
    provider: 'postmark',
    // Bounce and complaint ids are separate sequences at Postmark.
    eventId: `${recordType}:${id}`,
    type,
    email,
    ...(messageId ? { messageId: bareMessageId(messageId) } : {}),
    ...(joinReason(record.Description, record.Details) ? { reason: joinReason(record.Description, record.Details) } : {}),
    occurredAt: isoTime(record.BouncedAt, receivedAt),
  }
  return { kind: 'events', events: [event] }
}

export const postmarkSource: EmailEventSource = {
  provider: 'postmark',
  isConfigured: (env) => Boolean(env.POSTMARK_WEBHOOK_USER?.trim() && env.POSTMARK_WEBHOOK_PASSWORD),
  async handle(request, env) {
    const given = credentialsOf(request.headers.get('authorization'))
    if (!given) return { kind: 'unauthorized', message: 'Missing HTTP basic credentials: put them in the webhook URL at Postmark.' }
    // Both compared, always, so the time taken says nothing about which one was wrong.
    const userOk = sameSecret(given.user, env.POSTMARK_WEBHOOK_USER!.trim())
    const passwordOk = sameSecret(given.password, env.POSTMARK_WEBHOOK_PASSWORD!)
    if (!userOk || !passwordOk) return { kind: 'unauthorized', message: 'Wrong credentials.' }
    return parsePostmarkRecord(request.rawBody, request.receivedAt)
  },
}
