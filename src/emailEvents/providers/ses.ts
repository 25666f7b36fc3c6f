import { X509Certificate, verify } from 'node:crypto'
import { get } from 'node:https'

import type { EmailEvent, EmailEventType } from '../types'
import type { EmailEventSource, ProviderOutcome, ProviderRequest } from './types'

/**
 * Amazon SES bounce and complaint notifications, delivered by an SNS topic to an HTTPS
 * subscription. Each SNS message is signed by SNS (SignatureVersion 1: SHA1withRSA, 2:
 * SHA256withRSA) over a canonical string built from its fields; the certificate comes from
 * SigningCertURL, which we only fetch when it is an SNS host. Pure apart from the two injected
 * network calls (certificate fetch, subscription confirmation).
 */

/** SNS delivers within minutes (its HTTP retries keep the original Timestamp); an hour-old message is treated as a replay. */
export const SES_MAX_AGE_MS = 60 * 60 * 1000
const MAX_FUTURE_MS = 5 * 60 * 1000
const CERT_CACHE_MAX = 20
const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/

export type SesDependencies = {
  /** The PEM text at a checked SigningCertURL. */
  fetchCertificate: (url: string) => Promise<string>
  /** Visits a checked SubscribeURL (GET), which confirms the subscription. */
  confirmSubscription: (url: string) => Promise<void>
}

/** A URL we may contact for SNS: https, an sns.<region>.amazonaws.com(.cn) host, no port or credentials. */
export function isSnsUrl(value: unknown, { pem }: { pem: boolean }): value is string {
  if (typeof value !== 'string') return false
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  if (url.protocol !== 'https:' || url.port || url.username || url.password) return false
  if (!SNS_HOST.test(url.hostname)) return false
  return pem ? url.pathname.endsWith('.pem') : true
}

function httpsGet(url: string, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get(url, { timeout: 10_000 }, (response) => {
      if (response.statusCode !== 200) {
        response.resume()
        reject(new Error(`GET ${new URL(url).hostname} answered ${response.statusCode}`))
        return
      }
      let size = 0
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes) request.destroy(new Error('Response too large'))
        else chunks.push(chunk)
      })
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      response.on('error', reject)
    })
    request.on('timeout', () => request.destroy(new Error('Timed out')))
    request.on('error', reject)
  })
}

const defaultDependencies: SesDependencies = {
  fetchCertificate: (url) => httpsGet(url, 64 * 1024),
  confirmSubscription: async (url) => {
    await httpsGet(url, 64 * 1024)
  },
}

const NOTIFICATION_KEYS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const
const CONFIRMATION_KEYS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const

/** The string SNS signs: "Key\nValue\n" for each field in the documented order; Subject only when present. */
export function snsStringToSign(message: Record<string, unknown>): string | null {
  const keys = message.Type === 'Notification' ? NOTIFICATION_KEYS : CONFIRMATION_KEYS
  let out = ''
  for (const key of keys) {
    const value = message[key]
    if (value == null && key === 'Subject') continue
    if (typeof value !== 'string') return null
    out += `${key}\n${value}\n`
  }
  return out
}

export function topicArns(env: NodeJS.ProcessEnv): string[] {
  return (env.SES_SNS_TOPIC_ARNS ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter(Boolean)
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined)
const bareId = (value: string) => value.trim().replace(/^<|>$/g, '')
const obj = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined

/** The Message-ID header we sent: from mail.headers when SES includes them, else commonHeaders, else SES's own id. */
function messageIdOf(mail: Record<string, unknown> | undefined): string | undefined {
  if (!mail) return undefined
  if (Array.isArray(mail.headers)) {
    for (const header of mail.headers) {
      const h = obj(header)
      if (h && typeof h.name === 'string' && h.name.toLowerCase() === 'message-id' && str(h.value)) return bareId(h.value as string)
    }
  }
  const common = str(obj(mail.commonHeaders)?.messageId)
  if (common) return bareId(common)
  const sesId = str(mail.messageId)
  return sesId ? bareId(sesId) : undefined
}

const iso = (value: unknown, fallback: string) => {
  const time = typeof value === 'string' ? Date.parse(value) : NaN
  return Number.isFinite(time) ? new Date(time).toISOString() : fallback
}

/** The SES event inside a verified Notification's Message; events for each recipient it names. */
export function parseSesMessage(snsMessageId: string, rawMessage: string, fallbackAt: string): ProviderOutcome {
  let message: Record<string, unknown> | undefined
  try {
    message = obj(JSON.parse(rawMessage))
  } catch {
    message = undefined
  }
  // A topic may carry other notices (SES "AmazonSnsSubscriptionSucceeded", a test publish): nothing to do, not an error.
  if (!message) return { kind: 'events', events: [] }
  const kind = str(message.notificationType) ?? str(message.eventType)
  const mail = obj(message.mail)
  const messageId = messageIdOf(mail)
  const events: EmailEvent[] = []
  if (kind === 'Bounce') {
    const bounce = obj(message.bounce)
    if (!bounce || !Array.isArray(bounce.bouncedRecipients)) return { kind: 'invalid', message: 'Bounce without bounce.bouncedRecipients.' }
    const type: EmailEventType = bounce.bounceType === 'Permanent' ? 'hard_bounce' : 'soft_bounce'
    const occurredAt = iso(bounce.timestamp, fallbackAt)
    bounce.bouncedRecipients.forEach((item, index) => {
      const recipient = obj(item)
      const email = str(recipient?.emailAddress)
      if (!email) return
      const reason = [str(bounce.bounceType), str(bounce.bounceSubType), str(recipient?.status), str(recipient?.diagnosticCode)].filter(Boolean).join(' ')
      events.push({ provider: 'ses', eventId: `${snsMessageId}:${index}`, type, email, ...(messageId ? { messageId } : {}), ...(reason ? { reason: reason.slice(0, 500) } : {}), occurredAt })
    })
  } else if (kind === 'Complaint') {
    const complaint = obj(message.complaint)
    if (!complaint || !Array.isArray(complaint.complainedRecipients)) return { kind: 'invalid', message: 'Complaint without complaint.complainedRecipients.' }
    const occurredAt = iso(complaint.timestamp, fallbackAt)
    const reason = str(complaint.complaintFeedbackType) ?? str(complaint.complaintSubType)
    complaint.complainedRecipients.forEach((item, index) => {
      const email = str(obj(item)?.emailAddress)
      if (!email) return
      events.push({ provider: 'ses', eventId: `${snsMessageId}:${index}`, type: 'complaint', email, ...(messageId ? { messageId } : {}), ...(reason ? { reason: reason.slice(0, 500) } : {}), occurredAt })
    })
  }
  // Delivery, Send, Open...: ignored.
  return { kind: 'events', events }
}

export function createSesSource(dependencies: Partial<SesDependencies> = {}): EmailEventSource {
  const deps: SesDependencies = { ...defaultDependencies, ...dependencies }
  // Certificates by URL: SNS signs with few certificates, rotated rarely. Bounded so a flood of distinct (valid-host) URLs cannot grow it.
  const certificates = new Map<string, Promise<X509Certificate>>()

  async function certificate(url: string): Promise<X509Certificate> {
    const cached = certificates.get(url)
    if (cached) return cached
    const pending = deps.fetchCertificate(url).then((pem) => new X509Certificate(pem))
    if (certificates.size >= CERT_CACHE_MAX) certificates.delete(certificates.keys().next().value as string)
    certificates.set(url, pending)
    // A failed fetch must not stick: the next message tries again.
    pending.catch(() => certificates.delete(url))
    return pending
  }

  return {
    provider: 'ses',
    isConfigured: (env) => topicArns(env).length > 0,
    async handle(request: ProviderRequest, env): Promise<ProviderOutcome> {
      let message: Record<string, unknown> | undefined
      try {
        message = obj(JSON.parse(request.rawBody))
      } catch {
        message = undefined
      }
      // Nothing unsigned is worth a 400 that differs from a forgery's answer: the shape is checked by the signature.
      if (!message) return { kind: 'unauthorized', message: 'Not an SNS message.' }
      const type = message.Type
      if (type !== 'Notification' && type !== 'SubscriptionConfirmation' && type !== 'UnsubscribeConfirmation') {
        return { kind: 'unauthorized', message: 'Unknown SNS message type.' }
      }
      // Cheap checks first, before any network: topic, age, certificate URL.
      const topic = str(message.TopicArn)
      if (!topic || !topicArns(env).includes(topic)) return { kind: 'unauthorized', message: 'Topic not configured.' }
      const sentAt = typeof message.Timestamp === 'string' ? Date.parse(message.Timestamp) : NaN
      const age = request.receivedAt.getTime() - sentAt
      if (!Number.isFinite(sentAt) || age > SES_MAX_AGE_MS || age < -MAX_FUTURE_MS) return { kind: 'unauthorized', message: 'Stale timestamp.' }
      const algorithm = message.SignatureVersion === '1' ? 'sha1' : message.SignatureVersion === '2' ? 'sha256' : null
      if (!algorithm) return { kind: 'unauthorized', message: 'Unsupported SignatureVersion.' }
      if (!isSnsUrl(message.SigningCertURL, { pem: true })) return { kind: 'unauthorized', message: 'SigningCertURL is not an SNS certificate URL.' }
      const signed = snsStringToSign(message)
      const signature = typeof message.Signature === 'string' ? Buffer.from(message.Signature, 'base64') : Buffer.alloc(0)
      if (!signed || signature.length === 0) return { kind: 'unauthorized', message: 'Missing signed fields or signature.' }
      let cert: X509Certificate
      try {
        cert = await certificate(message.SigningCertURL)
      } catch {
        return { kind: 'unauthorized', message: 'Could not fetch the signing certificate.' }
      }
      const now = request.receivedAt.getTime()
      // Written so that an unparseable date refuses (NaN compares false) rather than passes.
      if (!(now >= Date.parse(cert.validFrom) && now <= Date.parse(cert.validTo))) return { kind: 'unauthorized', message: 'Signing certificate not valid now.' }
      let good = false
      try {
        good = verify(algorithm, Buffer.from(signed, 'utf8'), cert.publicKey, signature)
      } catch {
        good = false
      }
      if (!good) return { kind: 'unauthorized', message: 'Bad signature.' }

      const messageId = message.MessageId as string // a string: it is part of the signed string
      if (type === 'SubscriptionConfirmation') {
        if (!isSnsUrl(message.SubscribeURL, { pem: false })) return { kind: 'invalid', message: 'SubscribeURL is not an SNS URL.' }
        try {
          await deps.confirmSubscription(message.SubscribeURL)
        } catch {
          // Not confirmed yet: a non-2xx answer, so SNS (or the owner, via Resend confirmation) tries again.
          return { kind: 'reply', status: 502, message: 'Could not confirm the subscription.' }
        }
        return { kind: 'reply', status: 200, message: 'Subscription confirmed.' }
      }
      if (type === 'UnsubscribeConfirmation') return { kind: 'reply', status: 200, message: 'Unsubscribe noted.' }
      return parseSesMessage(messageId, message.Message as string, request.receivedAt.toISOString())
    },
  }
}

export const sesSource: EmailEventSource = createSesSource()
