import { execFileSync } from 'node:child_process'
import { createHmac, generateKeyPairSync, sign } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../helpers/fixtures'
import { addSubscribers, setUpClinic } from '../helpers/newsletters'
import { type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'
import { startStaffPayload } from '../helpers/staffPayload'

/**
 * `POST /api/email-events/{provider}` over real HTTP (node:http on 127.0.0.1, the body-limit
 * step of `npm start`, Payload's REST route), with each provider's payload shape and signature
 * built here by its documented algorithm: valid, tampered, replayed, stale; unknown addresses,
 * unconfigured providers, oversized bodies. The effects themselves are email-suppression's.
 */

const GENERIC_SECRET = 'generic-secret-for-tests-0123456789'
const MAILGUN_KEY = 'key-mailgun-signing-0123456789abcdef'
const POSTMARK = { user: 'postmark-hook', password: 'a-long-random-password-42' }
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-events'
const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem'
const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })

let ctx: TestPayload
let base: string
let closeServer: () => Promise<void>
let newsletterId: number | string
let certDir: string
let snsKeyPem: string
let seq = 0

beforeAll(async () => {
  Object.assign(process.env, {
    EMAIL_EVENTS_SECRET: GENERIC_SECRET,
    MAILGUN_WEBHOOK_SIGNING_KEY: MAILGUN_KEY,
    POSTMARK_WEBHOOK_USER: POSTMARK.user,
    POSTMARK_WEBHOOK_PASSWORD: POSTMARK.password,
    SENDGRID_WEBHOOK_PUBLIC_KEY: sendgridKeys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    SES_SNS_TOPIC_ARNS: TOPIC,
  })
  ;({ ctx } = await startStaffPayload('email-events'))
  await setUpClinic(ctx.payload)
  const newsletter = await ctx.payload.create({ collection: 'newsletters', data: { subject: 'Shoulder season', intro: richText('Hi.') } as never })
  newsletterId = newsletter.id
  await ctx.payload.db.updateOne({ collection: 'newsletters', id: newsletterId, data: { status: 'sent', startedAt: new Date().toISOString() } })

  // SES: a self-signed stand-in for SNS's signing certificate, handed to the source in place of the download.
  certDir = mkdtempSync(join(tmpdir(), 'sns-http-'))
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(certDir, 'k.pem'), '-out', join(certDir, 'c.pem'), '-days', '30', '-subj', '/CN=sns.amazonaws.com'], { stdio: 'ignore' })
  snsKeyPem = readFileSync(join(certDir, 'k.pem'), 'utf8')
  const certPem = readFileSync(join(certDir, 'c.pem'), 'utf8')
  const { emailEventSources } = await import('../../src/emailEvents/providers')
  const { createSesSource } = await import('../../src/emailEvents/providers/ses')
  emailEventSources.set(
    'ses',
    createSesSource({
      fetchCertificate: async (url) => {
        if (url !== CERT_URL) throw new Error(`unexpected certificate URL ${url}`)
        return certPem
      },
      confirmSubscription: async () => undefined,
    }),
  )

  const { serveRestRoutes } = await import('../helpers/http')
  ;({ url: base, close: closeServer } = await serveRestRoutes())
})

afterAll(async () => {
  await closeServer?.()
  if (certDir) rmSync(certDir, { recursive: true, force: true })
  await stopTestPayloadIfStarted(ctx)
})

const post = async (provider: string, body: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${base}/api/email-events/${provider}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body })
  const text = await response.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, json, text }
}

/** A confirmed subscriber with one sent delivery of the test newsletter. */
const recipient = async (name: string) => {
  const prefix = `${name}-${++seq}`
  const [id] = await addSubscribers(ctx.payload, 1, { prefix, status: 'confirmed' })
  const email = `${prefix}-0@example.com`
  const messageId = `nl-${seq}.${Math.random().toString(36).slice(2)}@clinic.test`
  const delivery = await ctx.payload.db.create({
    collection: 'deliveries',
    data: { newsletter: newsletterId, subscriber: id, email, status: 'sent', attempts: 1, messageId: `<${messageId}>`, sentAt: new Date(Date.now() - 60_000).toISOString() },
  })
  return { id, email, messageId, deliveryId: delivery.id }
}
const statusOf = async (id: number | string) => (await ctx.payload.db.findOne<any>({ collection: 'subscribers', where: { id: { equals: id } } }))!.status
const deliveryStatus = async (id: number | string) => (await ctx.payload.db.findOne<any>({ collection: 'deliveries', where: { id: { equals: id } } }))!.status
const ledgerCount = async () => (await ctx.payload.db.count({ collection: 'email-events', where: {} })).totalDocs
const suppressions = async (id: number | string) =>
  (await ctx.payload.find({ collection: 'suppressions', where: { subscriber: { equals: id } }, overrideAccess: true })).docs

const nowSeconds = () => Math.floor(Date.now() / 1000)
const genericHeaders = (body: string, t = nowSeconds(), secret = GENERIC_SECRET) => ({
  'X-Webhook-Signature': `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`,
})

describe('routing', () => {
  it('answers 404 for an unknown provider and for one whose secret is unset', async () => {
    expect((await post('pigeon', '{}')).status).toBe(404)
    const saved = process.env.MAILGUN_WEBHOOK_SIGNING_KEY
    delete process.env.MAILGUN_WEBHOOK_SIGNING_KEY
    try {
      const answer = await post('mailgun', '{}')
      expect(answer.status).toBe(404)
      expect(answer.json.errors[0].message).toContain('mailgun')
    } finally {
      process.env.MAILGUN_WEBHOOK_SIGNING_KEY = saved
    }
  })

  it('refuses a body over 1 MB with 413 before reading it, and a batch over 2000 events', async () => {
    const big = JSON.stringify([{ type: 'hard_bounce', email: 'x@example.com', reason: 'x'.repeat(1024 * 1024) }])
    const tooLarge = await post('generic', big, genericHeaders(big))
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.json.errors[0].message).toMatch(/too large/)
    const many = JSON.stringify(Array.from({ length: 2001 }, (_, i) => ({ type: 'soft_bounce', email: `n${i}@example.com` })))
    const tooMany = await post('generic', many, genericHeaders(many))
    expect(tooMany.status).toBe(413)
    expect(tooMany.json.errors[0].message).toMatch(/at most 2000/)
  })
})

describe('generic', () => {
  it('applies a signed hard bounce once: replaying the same request changes nothing', async () => {
    const r = await recipient('generic')
    const body = JSON.stringify({ type: 'hard_bounce', email: r.email, messageId: `<${r.messageId}>`, reason: '550 5.1.1 no such user', occurredAt: new Date().toISOString() })
    const headers = genericHeaders(body)
    const first = await post('generic', body, headers)
    expect(first).toMatchObject({ status: 200, json: { received: 1 } })
    expect(await statusOf(r.id)).toBe('bounced')
    expect(await deliveryStatus(r.deliveryId)).toBe('bounced')
    expect(await suppressions(r.id)).toEqual([expect.objectContaining({ kind: 'hard_bounce', source: 'generic', reason: '550 5.1.1 no such user' })])
    const ledger = await ledgerCount()
    const again = await post('generic', body, headers)
    expect(again).toMatchObject({ status: 200, json: { received: 1 } })
    expect(await ledgerCount()).toBe(ledger)
    expect(await suppressions(r.id)).toHaveLength(1)
  })

  it('refuses a tampered body, the wrong secret, a stale or missing signature with 401, and nothing changes', async () => {
    const r = await recipient('generic-bad')
    const body = JSON.stringify({ type: 'complaint', email: r.email })
    const tampered = body.replace('complaint', 'hard_bounce')
    const attempts = [
      await post('generic', tampered, genericHeaders(body)),
      await post('generic', body, genericHeaders(body, nowSeconds(), 'another-secret-of-enough-length')),
      await post('generic', body, genericHeaders(body, nowSeconds() - 301)),
      await post('generic', body),
      await post('generic', body, { 'X-Webhook-Signature': 'sha256=abc' }),
    ]
    for (const answer of attempts) expect(answer.status).toBe(401)
    expect(attempts[2].json.errors[0].message).toMatch(/five minutes/)
    expect(await statusOf(r.id)).toBe('confirmed')
    expect(await suppressions(r.id)).toHaveLength(0)
  })

  it('answers 200 for an unknown address and stores nothing about it', async () => {
    const ledger = await ledgerCount()
    const body = JSON.stringify([{ type: 'hard_bounce', email: 'stranger@nowhere.example' }])
    expect(await post('generic', body, genericHeaders(body))).toMatchObject({ status: 200, json: { received: 1 } })
    expect(await ledgerCount()).toBe(ledger)
  })

  it('refuses a signed batch with a wrong event with 400 naming it, and applies none of the batch', async () => {
    const r = await recipient('generic-400')
    const body = JSON.stringify([{ type: 'complaint', email: r.email }, { type: 'bounce', email: r.email }])
    const answer = await post('generic', body, genericHeaders(body))
    expect(answer.status).toBe(400)
    expect(answer.json.errors[0].message).toMatch(/^Event 2: "type" must be one of "hard_bounce", "soft_bounce", "complaint"/)
    expect(await statusOf(r.id)).toBe('confirmed')
    const notJson = await post('generic', 'nope', genericHeaders('nope'))
    expect(notJson.status).toBe(400)
  })

  it('counts soft bounces without a Message-ID since the latest delivery, and suppresses at the limit', async () => {
    const r = await recipient('generic-soft')
    for (let i = 1; i <= 3; i++) {
      const body = JSON.stringify({ type: 'soft_bounce', email: r.email, reason: 'mailbox full', occurredAt: new Date(Date.now() + i).toISOString() })
      expect((await post('generic', body, genericHeaders(body))).status).toBe(200)
      expect(await statusOf(r.id)).toBe(i < 3 ? 'confirmed' : 'bounced')
    }
    // A soft bounce naming no message does not guess one: the newsletter that went through stays sent.
    expect(await deliveryStatus(r.deliveryId)).toBe('sent')
  })
})

describe('postmark', () => {
  const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` })
  const auth = basic(POSTMARK.user, POSTMARK.password)

  it('applies a HardBounce record and a SpamComplaint record (matched to the latest delivery, counted in the report)', async () => {
    const r = await recipient('postmark')
    const bounce = JSON.stringify({
      RecordType: 'Bounce', ID: 4323372036854775807, Type: 'HardBounce', TypeCode: 1, Name: 'Hard bounce', MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
      Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).', Details: 'smtp;550 5.1.1 unknown user',
      Email: r.email, From: 'news@clinic.test', BouncedAt: new Date().toISOString(), Inactive: true, MessageStream: 'broadcast',
    })
    expect(await post('postmark', bounce, auth)).toMatchObject({ status: 200, json: { received: 1 } })
    expect(await statusOf(r.id)).toBe('bounced')

    const c = await recipient('postmark-complaint')
    const complaint = JSON.stringify({
      RecordType: 'SpamComplaint', ID: 42, Type: 'SpamComplaint', TypeCode: 512, MessageID: '00000000-0000-0000-0000-000000000000',
      Email: c.email, BouncedAt: new Date().toISOString(), Inactive: true, MessageStream: 'broadcast',
    })
    expect((await post('postmark', complaint, auth)).status).toBe(200)
    expect(await statusOf(c.id)).toBe('complained')
    expect(await deliveryStatus(c.deliveryId)).toBe('complained')
    const report = await ctx.payload.db.findOne<any>({ collection: 'newsletters', where: { id: { equals: newsletterId } } })
    expect(report.counts.complained).toBeGreaterThanOrEqual(1)
    // Postmark retries a record it did not see answered: no second effect.
    const ledger = await ledgerCount()
    expect((await post('postmark', complaint, auth)).status).toBe(200)
    expect(await ledgerCount()).toBe(ledger)
  })

  it('refuses wrong or missing credentials with 401; ignores deliveries and opens', async () => {
    const r = await recipient('postmark-bad')
    const bounce = JSON.stringify({ RecordType: 'Bounce', ID: 7, Type: 'HardBounce', Email: r.email, BouncedAt: new Date().toISOString() })
    expect((await post('postmark', bounce, basic(POSTMARK.user, 'guess'))).status).toBe(401)
    expect((await post('postmark', bounce, basic('someone', POSTMARK.password))).status).toBe(401)
    expect((await post('postmark', bounce)).status).toBe(401)
    expect(await statusOf(r.id)).toBe('confirmed')
    const delivery = JSON.stringify({ RecordType: 'Delivery', MessageID: 'x', Recipient: r.email, DeliveredAt: new Date().toISOString() })
    expect(await post('postmark', delivery, auth)).toMatchObject({ status: 200, json: { received: 0 } })
  })
})

describe('mailgun', () => {
  const signed = (eventData: Record<string, unknown>, options: { timestamp?: number; key?: string; token?: string } = {}) => {
    const timestamp = String(options.timestamp ?? nowSeconds())
    const token = options.token ?? Math.random().toString(36).repeat(3).slice(0, 50)
    const signature = createHmac('sha256', options.key ?? MAILGUN_KEY).update(timestamp + token).digest('hex')
    return { signature: { timestamp, token, signature }, 'event-data': eventData }
  }
  const failed = (email: string, messageId: string, severity = 'permanent', id = `mg-${++seq}`) => ({
    event: 'failed', id, timestamp: Date.now() / 1000, severity, reason: 'bounce', recipient: email,
    message: { headers: { to: email, 'message-id': messageId, from: 'news@clinic.test', subject: 'Shoulder season' } },
    'delivery-status': { code: 550, message: '5.1.1 The email account does not exist', description: '', 'attempt-no': 1 },
  })

  it('applies a signed permanent failure to the delivery its Message-ID names; a replay changes nothing', async () => {
    const r = await recipient('mailgun')
    const body = JSON.stringify(signed(failed(r.email, r.messageId)))
    expect(await post('mailgun', body)).toMatchObject({ status: 200, json: { received: 1 } })
    expect(await statusOf(r.id)).toBe('bounced')
    expect(await deliveryStatus(r.deliveryId)).toBe('bounced')
    const ledger = await ledgerCount()
    expect((await post('mailgun', body)).status).toBe(200)
    expect(await ledgerCount()).toBe(ledger)
  })

  it('refuses a signature moved onto another event (token reuse), a wrong key, a stale timestamp', async () => {
    const victim = await recipient('mailgun-victim')
    const other = await recipient('mailgun-other')
    const original = signed({ event: 'delivered', id: `mg-d-${++seq}`, recipient: other.email, timestamp: Date.now() / 1000 })
    expect((await post('mailgun', JSON.stringify(original))).status).toBe(200)
    // The signature covers timestamp + token only: captured, it must not carry a forged complaint.
    const forged = { signature: original.signature, 'event-data': { event: 'complained', id: 'forged', recipient: victim.email, timestamp: Date.now() / 1000 } }
    const answer = await post('mailgun', JSON.stringify(forged))
    expect(answer.status).toBe(401)
    expect(answer.json.errors[0].message).toMatch(/another event/)
    expect((await post('mailgun', JSON.stringify(signed(failed(victim.email, victim.messageId), { key: 'key-wrong' })))).status).toBe(401)
    expect((await post('mailgun', JSON.stringify(signed(failed(victim.email, victim.messageId), { timestamp: nowSeconds() - 600 })))).status).toBe(401)
    expect((await post('mailgun', JSON.stringify({ 'event-data': failed(victim.email, victim.messageId) }))).status).toBe(401)
    expect(await statusOf(victim.id)).toBe('confirmed')
  })

  it('ignores temporary failures (Mailgun retries them) and maps complaints', async () => {
    const r = await recipient('mailgun-temp')
    expect(await post('mailgun', JSON.stringify(signed(failed(r.email, r.messageId, 'temporary'))))).toMatchObject({ status: 200, json: { received: 0 } })
    expect(await statusOf(r.id)).toBe('confirmed')
    const complained = signed({ event: 'complained', id: `mg-c-${++seq}`, recipient: r.email, timestamp: Date.now() / 1000, message: { headers: { 'message-id': r.messageId } } })
    expect((await post('mailgun', JSON.stringify(complained))).status).toBe(200)
    expect(await statusOf(r.id)).toBe('complained')
    expect(await deliveryStatus(r.deliveryId)).toBe('complained')
  })
})

describe('sendgrid', () => {
  const headersFor = (body: string, key = sendgridKeys.privateKey, timestamp = String(nowSeconds())) => ({
    'X-Twilio-Email-Event-Webhook-Signature': sign('sha256', Buffer.from(timestamp + body), { key, dsaEncoding: 'der' }).toString('base64'),
    'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
  })

  it('applies a signed batch; refuses it tampered or signed by another key; a replay changes nothing', async () => {
    const r = await recipient('sendgrid')
    const c = await recipient('sendgrid-c')
    const body = JSON.stringify([
      { email: r.email, event: 'bounce', type: 'bounce', reason: '550 5.1.1 unknown', status: '5.1.1', sg_event_id: `sg-${++seq}`, 'smtp-id': `<${r.messageId}>`, timestamp: nowSeconds() },
      { email: c.email, event: 'spamreport', sg_event_id: `sg-${++seq}`, timestamp: nowSeconds() },
      { email: c.email, event: 'open', sg_event_id: `sg-${++seq}`, timestamp: nowSeconds() },
    ])
    expect((await post('sendgrid', body.replace('bounce', 'blocked'), headersFor(body))).status).toBe(401)
    expect((await post('sendgrid', body, headersFor(body, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey))).status).toBe(401)
    expect(await statusOf(r.id)).toBe('confirmed')
    const headers = headersFor(body)
    expect(await post('sendgrid', body, headers)).toMatchObject({ status: 200, json: { received: 2 } })
    expect(await statusOf(r.id)).toBe('bounced')
    expect(await deliveryStatus(r.deliveryId)).toBe('bounced')
    expect(await statusOf(c.id)).toBe('complained')
    const ledger = await ledgerCount()
    expect((await post('sendgrid', body, headers)).status).toBe(200)
    expect(await ledgerCount()).toBe(ledger)
  })
})

describe('ses (SNS)', () => {
  const notification = (message: unknown, messageId = `sns-${++seq}`) => {
    const fields: Record<string, string> = {
      Type: 'Notification', MessageId: messageId, TopicArn: TOPIC, Message: JSON.stringify(message), Timestamp: new Date().toISOString(),
      SignatureVersion: '2', SigningCertURL: CERT_URL,
    }
    const toSign = `Message\n${fields.Message}\nMessageId\n${fields.MessageId}\nTimestamp\n${fields.Timestamp}\nTopicArn\n${fields.TopicArn}\nType\n${fields.Type}\n`
    return { ...fields, Signature: sign('sha256', Buffer.from(toSign), snsKeyPem).toString('base64') }
  }

  it('applies a signed complaint notification (text/plain, as SNS sends it); tampered is 401; replay changes nothing', async () => {
    const r = await recipient('ses')
    const complaint = {
      notificationType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: r.email }], timestamp: new Date().toISOString(), feedbackId: 'fb', complaintFeedbackType: 'abuse' },
      mail: { messageId: 'ses-id', commonHeaders: { messageId: `<${r.messageId}>` }, headers: [{ name: 'Message-ID', value: `<${r.messageId}>` }] },
    }
    const signedBody = JSON.stringify(notification(complaint))
    const tampered = signedBody.replace('abuse', 'not-spam')
    expect((await post('ses', tampered, { 'Content-Type': 'text/plain; charset=UTF-8' })).status).toBe(401)
    expect(await statusOf(r.id)).toBe('confirmed')
    expect(await post('ses', signedBody, { 'Content-Type': 'text/plain; charset=UTF-8' })).toMatchObject({ status: 200, json: { received: 1 } })
    expect(await statusOf(r.id)).toBe('complained')
    expect(await deliveryStatus(r.deliveryId)).toBe('complained')
    const ledger = await ledgerCount()
    expect((await post('ses', signedBody, { 'Content-Type': 'text/plain; charset=UTF-8' })).status).toBe(200)
    expect(await ledgerCount()).toBe(ledger)
  })
})
