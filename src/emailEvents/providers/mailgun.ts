import { createHash, createHmac } from 'node:crypto'

import type { EmailEvent, EmailEventType } from '../types'
import { bareMessageId, isoTime, joinReason, obj, sameSecret, str } from './shared'
import type { EmailEventSource, ProviderOutcome } from './types'

/**
 * Mailgun's webhooks (the JSON kind): `{ "signature": { timestamp, token, signature }, "event-data": {…} }`,
 * where `signature` is the hex HMAC-SHA256 of `timestamp + token` under the webhook signing key
 * (`MAILGUN_WEBHOOK_SIGNING_KEY`, Sending > Webhooks). The signature does not cover the event,
 * so a captured one could be put on another body: it is accepted only while fresh (five
 * minutes) and a token only ever with the event it came with.
 */

export const MAILGUN_MAX_AGE_SECONDS = 5 * 60
const MAX_FUTURE_SECONDS = 60
const MAX_REMEMBERED_TOKENS = 50_000

// token -> digest of the event it came with and when it can be forgotten (after the freshness window).
const tokensSeen = new Map<string, { eventDigest: string; forgetAt: number }>()

const rememberToken = (token: string, eventDigest: string, nowMs: number): boolean => {
  const seen = tokensSeen.get(token)
  if (seen && seen.forgetAt > nowMs) return seen.eventDigest === eventDigest
  if (tokensSeen.size >= MAX_REMEMBERED_TOKENS) {
    for (const [key, entry] of tokensSeen) if (entry.forgetAt <= nowMs) tokensSeen.delete(key)
    // Still full of fresh tokens (a flood of signed requests): the oldest go first.
    while (tokensSeen.size >= MAX_REMEMBERED_TOKENS) tokensSeen.delete(tokensSeen.keys().next().value as string)
  }
  tokensSeen.set(token, { eventDigest, forgetAt: nowMs + (MAILGUN_MAX_AGE_SECONDS + MAX_FUTURE_SECONDS) * 1000 })
  return true
}

const typeOf = (data: Record<string, unknown>): EmailEventType | null => {
  const event = str(data.event)
  if (event === 'complained') return 'complaint'
  if (event !== 'failed') return null
  // Temporary failures come once per retry, and Mailgun goes on retrying: a final failure arrives as permanent.
  if (str(data.severity) !== 'permanent') return null
  switch (str(data.reason)) {
    case 'suppress-complaint':
      return 'complaint'
    case 'suppress-unsubscribe':
      return null // Mailgun's own unsubscribe list: not a delivery problem
    case 'old': // gave up after retrying for hours: the mailbox may come back
    case 'espblock':
      return 'soft_bounce'
    default: // bounce, suppress-bounce, generic
      return 'hard_bounce'
  }
}

export const parseMailgunEvent = (data: Record<string, unknown>, receivedAt: Date): EmailEvent | null => {
  const type = typeOf(data)
  const email = str(data.recipient)
  const id = str(data.id)
  if (!type || !email || !id) return null
  const headers = obj(obj(data.message)?.headers)
  const messageId = str(headers?.['message-id'])
  const status = obj(data['delivery-status'])
  return {
    provider: 'mailgun',
    eventId: id,
    type,
    email,
    ...(messageId ? { messageId: bareMessageId(messageId) } : {}),
    ...(joinReason(status?.description, status?.message, data.reason) ? { reason: joinReason(status?.description, status?.message, data.reason) } : {}),
    occurredAt: isoTime(data.timestamp, receivedAt),
  }
}

export const mailgunSource: EmailEventSource = {
  provider: 'mailgun',
  isConfigured: (env) => Boolean(env.MAILGUN_WEBHOOK_SIGNING_KEY?.trim()),
  async handle(request, env): Promise<ProviderOutcome> {
    let body: Record<string, unknown> | undefined
    try {
      body = obj(JSON.parse(request.rawBody))
    } catch {
      body = undefined
    }
    // Unsigned bytes get the same answer as a forgery: nothing about their shape is worth telling.
    const signature = obj(body?.signature)
    const timestamp = str(signature?.timestamp)
    const token = str(signature?.token)
    const given = str(signature?.signature)
    if (!body || !timestamp || !token || !given) {
      return { kind: 'unauthorized', message: 'Missing signature object (timestamp, token, signature): send Mailgun JSON webhooks.' }
    }
    if (!/^\d{1,12}$/.test(timestamp)) return { kind: 'unauthorized', message: 'Bad signature timestamp.' }
    const nowMs = request.receivedAt.getTime()
    const age = Math.floor(nowMs / 1000) - Number(timestamp)
    if (age > MAILGUN_MAX_AGE_SECONDS || age < -MAX_FUTURE_SECONDS) return { kind: 'unauthorized', message: 'Stale signature timestamp (more than five minutes off).' }
    const expected = createHmac('sha256', env.MAILGUN_WEBHOOK_SIGNING_KEY!.trim()).update(timestamp + token).digest('hex')
    if (!sameSecret(given.toLowerCase(), expected)) return { kind: 'unauthorized', message: 'Bad signature.' }
    const data = obj(body['event-data'])
    const digest = createHash('sha256').update(JSON.stringify(body['event-data'] ?? null)).digest('hex')
    if (!rememberToken(token, digest, nowMs)) return { kind: 'unauthorized', message: 'This signature token came with another event.' }
    if (!data) return { kind: 'invalid', message: 'Missing "event-data" object.' }
    const event = parseMailgunEvent(data, request.receivedAt)
    return { kind: 'events', events: event ? [event] : [] }
  },
}
