import { execFileSync } from 'node:child_process'
import { generateKeyPairSync, sign } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { sendgridSource } from '../../src/emailEvents/providers/sendgrid'
import { createSesSource, snsStringToSign } from '../../src/emailEvents/providers/ses'
import type { ProviderRequest } from '../../src/emailEvents/providers/types'

/**
 * The signed providers as pure modules (no Payload, no HTTP): SendGrid's ECDSA-signed event
 * webhook and SES notifications through SNS, each signed here exactly as the provider documents,
 * then tampered, signed with the wrong key, or replayed late.
 */

// The test clock, a minute ahead of the real one: the openssl test certificate (made in a
// beforeAll, after this line) is valid from the second it is made, and a clock read before
// that second would find it not yet valid (the test then failed when the two straddled one).
const NOW = new Date(Date.now() + 60_000)
const request = (rawBody: string, headers: Record<string, string> = {}, receivedAt = NOW): ProviderRequest => ({
  headers: new Headers(headers),
  rawBody,
  receivedAt,
})

describe('SendGrid signed event webhook', () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  // As SendGrid shows it: base64 DER SubjectPublicKeyInfo, no PEM framing.
  const publicKey = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')
  const env = { SENDGRID_WEBHOOK_PUBLIC_KEY: publicKey } as unknown as NodeJS.ProcessEnv
  const seconds = String(Math.floor(NOW.getTime() / 1000))
  const body = JSON.stringify([
    { email: 'gone@example.com', event: 'bounce', type: 'bounce', bounce_classification: 'Invalid Address', reason: '550 5.1.1 no such user', status: '5.1.1', sg_event_id: 'ev-1', sg_message_id: 'sg-1.filter', 'smtp-id': '<abc@clinic.test>', timestamp: 1796212800 },
    { email: 'blocked@example.com', event: 'bounce', type: 'blocked', reason: 'blocked by policy', status: '5.7.1', sg_event_id: 'ev-2', 'smtp-id': '<def@clinic.test>', timestamp: 1796212800 },
    { email: 'later@example.com', event: 'deferred', response: '421 try later', sg_event_id: 'ev-3', timestamp: 1796212800 },
    { email: 'angry@example.com', event: 'spamreport', sg_event_id: 'ev-4', 'smtp-id': '<ghi@clinic.test>', timestamp: 1796212800 },
    { email: 'fine@example.com', event: 'delivered', sg_event_id: 'ev-5', timestamp: 1796212800 },
    { email: 'x@example.com', event: 'dropped', reason: 'Bounced Address', sg_event_id: 'ev-6', timestamp: 1796212800 },
    { email: 'noid@example.com', event: 'bounce', type: 'bounce', timestamp: 1796212800 },
    'not an event',
  ])
  const signWith = (key: typeof pair.privateKey, timestamp: string, payload: string) =>
    sign('sha256', Buffer.from(timestamp + payload), { key, dsaEncoding: 'der' }).toString('base64')
  const headers = (signature: string, timestamp = seconds) => ({
    'X-Twilio-Email-Event-Webhook-Signature': signature,
    'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
  })

  it('is configured only with a key', () => {
    expect(sendgridSource.isConfigured(env)).toBe(true)
    expect(sendgridSource.isConfigured({} as unknown as NodeJS.ProcessEnv)).toBe(false)
  })

  it('accepts a valid signature and maps bounce / blocked / spamreport; deferred (retried by SendGrid) and others ignored', async () => {
    const outcome = await sendgridSource.handle(request(body, headers(signWith(pair.privateKey, seconds, body))), env)
    expect(outcome.kind).toBe('events')
    if (outcome.kind !== 'events') return
    expect(outcome.events.map((e) => [e.eventId, e.type, e.email, e.messageId])).toEqual([
      ['ev-1', 'hard_bounce', 'gone@example.com', 'abc@clinic.test'],
      ['ev-2', 'soft_bounce', 'blocked@example.com', 'def@clinic.test'],
      ['ev-4', 'complaint', 'angry@example.com', 'ghi@clinic.test'],
    ])
    expect(outcome.events[0]).toMatchObject({ provider: 'sendgrid', occurredAt: new Date(1796212800 * 1000).toISOString() })
    expect(outcome.events[0].reason).toContain('550 5.1.1 no such user')
  })

  it('accepts the key in PEM form too', async () => {
    const pem = pair.publicKey.export({ format: 'pem', type: 'spki' }).toString()
    const outcome = await sendgridSource.handle(request(body, headers(signWith(pair.privateKey, seconds, body))), { SENDGRID_WEBHOOK_PUBLIC_KEY: pem } as unknown as NodeJS.ProcessEnv)
    expect(outcome.kind).toBe('events')
  })

  it('refuses a tampered body, a tampered timestamp, the wrong key, missing headers', async () => {
    const signature = signWith(pair.privateKey, seconds, body)
    const tampered = body.replace('gone@example.com', 'else@example.com')
    expect((await sendgridSource.handle(request(tampered, headers(signature)), env)).kind).toBe('unauthorized')
    expect((await sendgridSource.handle(request(body, headers(signature, String(Number(seconds) - 1))), env)).kind).toBe('unauthorized')
    expect((await sendgridSource.handle(request(body, headers(signWith(other.privateKey, seconds, body))), env)).kind).toBe('unauthorized')
    expect((await sendgridSource.handle(request(body, {}), env)).kind).toBe('unauthorized')
    expect((await sendgridSource.handle(request(body, headers('')), env)).kind).toBe('unauthorized')
    expect((await sendgridSource.handle(request(body, headers(signature)), { SENDGRID_WEBHOOK_PUBLIC_KEY: 'bm90IGEga2V5' } as unknown as NodeJS.ProcessEnv)).kind).toBe(
      'unauthorized',
    )
  })

  it('refuses a correctly signed request older than five minutes', async () => {
    const old = String(Number(seconds) - 5 * 60 - 1)
    const outcome = await sendgridSource.handle(request(body, headers(signWith(pair.privateKey, old, body), old)), env)
    expect(outcome).toMatchObject({ kind: 'unauthorized', message: expect.stringMatching(/stale/i) })
    const recent = String(Number(seconds) - 4 * 60)
    expect((await sendgridSource.handle(request(body, headers(signWith(pair.privateKey, recent, body), recent)), env)).kind).toBe('events')
  })

  it('answers invalid for a signed body that is not an array of events', async () => {
    const odd = JSON.stringify({ event: 'bounce' })
    expect((await sendgridSource.handle(request(odd, headers(signWith(pair.privateKey, seconds, odd))), env)).kind).toBe('invalid')
  })
})

describe('SES notifications through SNS', () => {
  const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-bounces'
  const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem'
  const env = { SES_SNS_TOPIC_ARNS: ` arn:aws:sns:eu-west-1:123456789012:other , ${TOPIC}` } as unknown as NodeJS.ProcessEnv
  let dir: string
  let certPem: string
  let keyPem: string
  let otherKeyPem: string

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sns-cert-'))
    // A self-signed stand-in for SNS's certificate, valid around NOW (the test clock) and today.
    for (const name of ['sns', 'other']) {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`), '-days', '3650', '-subj', '/CN=sns.amazonaws.com'], {
        stdio: 'ignore',
      })
    }
    certPem = readFileSync(join(dir, 'sns.pem'), 'utf8')
    keyPem = readFileSync(join(dir, 'sns.key'), 'utf8')
    otherKeyPem = readFileSync(join(dir, 'other.key'), 'utf8')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const sesBounce = {
    notificationType: 'Bounce',
    bounce: {
      bounceType: 'Permanent',
      bounceSubType: 'General',
      bouncedRecipients: [
        { emailAddress: 'gone@example.com', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' },
        { emailAddress: 'gone2@example.com', action: 'failed', status: '5.1.1' },
      ],
      timestamp: '2026-12-02T11:59:00.000Z',
      feedbackId: 'fb-1',
    },
    mail: {
      messageId: '0100018c-ses-id',
      headers: [{ name: 'Message-ID', value: '<nl-42@clinic.test>' }],
      commonHeaders: { messageId: '<nl-42@clinic.test>' },
    },
  }

  // Written out from the AWS docs here rather than taken from the module, so an order mistake there fails the tests.
  const awsStringToSign = (m: Record<string, string>) =>
    m.Type === 'Notification'
      ? `Message\n${m.Message}\nMessageId\n${m.MessageId}\n${m.Subject !== undefined ? `Subject\n${m.Subject}\n` : ''}Timestamp\n${m.Timestamp}\nTopicArn\n${m.TopicArn}\nType\n${m.Type}\n`
      : `Message\n${m.Message}\nMessageId\n${m.MessageId}\nSubscribeURL\n${m.SubscribeURL}\nTimestamp\n${m.Timestamp}\nToken\n${m.Token}\nTopicArn\n${m.TopicArn}\nType\n${m.Type}\n`

  it('builds the documented string to sign (Subject only when present)', () => {
    const base = { Type: 'Notification', MessageId: 'm', TopicArn: 't', Timestamp: 'ts', Message: 'hi' }
    expect(snsStringToSign(base)).toBe('Message\nhi\nMessageId\nm\nTimestamp\nts\nTopicArn\nt\nType\nNotification\n')
    expect(snsStringToSign({ ...base, Subject: 's' })).toBe('Message\nhi\nMessageId\nm\nSubject\ns\nTimestamp\nts\nTopicArn\nt\nType\nNotification\n')
  })

  const snsMessage = (fields: Record<string, string>, { version = '2', key = () => keyPem } = {}) => {
    const message: Record<string, string> = {
      MessageId: 'b1b2c3d4-0000-1111-2222-333344445555',
      TopicArn: TOPIC,
      Timestamp: new Date(NOW.getTime() - 60_000).toISOString(),
      SignatureVersion: version,
      SigningCertURL: CERT_URL,
      ...fields,
    }
    const signed = awsStringToSign(message)
    message.Signature = sign(version === '1' ? 'sha1' : 'sha256', Buffer.from(signed), key()).toString('base64')
    return message
  }
  const notification = (ses: unknown = sesBounce, options?: Parameters<typeof snsMessage>[1]) =>
    snsMessage({ Type: 'Notification', Message: JSON.stringify(ses), Subject: 'Amazon SES Email Event Notification' }, options)

  const source = () => {
    const calls = { fetched: [] as string[], confirmed: [] as string[] }
    const ses = createSesSource({
      fetchCertificate: async (url) => {
        calls.fetched.push(url)
        return certPem
      },
      confirmSubscription: async (url) => {
        calls.confirmed.push(url)
      },
    })
    return { ses, calls }
  }

  it('is configured only with topic ARNs', () => {
    const { ses } = source()
    expect(ses.isConfigured(env)).toBe(true)
    expect(ses.isConfigured({} as unknown as NodeJS.ProcessEnv)).toBe(false)
    expect(ses.isConfigured({ SES_SNS_TOPIC_ARNS: ' , ' } as unknown as NodeJS.ProcessEnv)).toBe(false)
  })

  for (const version of ['1', '2']) {
    it(`accepts a valid SignatureVersion ${version} notification: one event per recipient, Message-ID from the headers`, async () => {
      const { ses, calls } = source()
      const outcome = await ses.handle(request(JSON.stringify(notification(sesBounce, { version }))), env)
      expect(outcome.kind).toBe('events')
      if (outcome.kind !== 'events') return
      expect(outcome.events).toEqual([
        expect.objectContaining({ provider: 'ses', eventId: 'b1b2c3d4-0000-1111-2222-333344445555:0', type: 'hard_bounce', email: 'gone@example.com', messageId: 'nl-42@clinic.test', occurredAt: '2026-12-02T11:59:00.000Z' }),
        expect.objectContaining({ eventId: 'b1b2c3d4-0000-1111-2222-333344445555:1', type: 'hard_bounce', email: 'gone2@example.com' }),
      ])
      expect(outcome.events[0].reason).toContain('550 5.1.1 user unknown')
      expect(calls.fetched).toEqual([CERT_URL])
    })
  }

  it('maps transient bounces to soft, complaints (eventType form) to complaint; caches the certificate', async () => {
    const { ses, calls } = source()
    const transient = { ...sesBounce, bounce: { ...sesBounce.bounce, bounceType: 'Transient', bounceSubType: 'MailboxFull' } }
    const soft = await ses.handle(request(JSON.stringify(notification(transient))), env)
    expect(soft.kind === 'events' && soft.events.map((e) => e.type)).toEqual(['soft_bounce', 'soft_bounce'])
    const complaint = {
      eventType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: 'angry@example.com' }], complaintFeedbackType: 'abuse', timestamp: '2026-12-02T11:58:00.000Z' },
      mail: { messageId: 'ses-2', commonHeaders: { messageId: '<nl-43@clinic.test>' } },
    }
    const outcome = await ses.handle(request(JSON.stringify(notification(complaint))), env)
    expect(outcome).toEqual({
      kind: 'events',
      events: [{ provider: 'ses', eventId: 'b1b2c3d4-0000-1111-2222-333344445555:0', type: 'complaint', email: 'angry@example.com', messageId: 'nl-43@clinic.test', reason: 'abuse', occurredAt: '2026-12-02T11:58:00.000Z' }],
    })
    const delivery = await ses.handle(request(JSON.stringify(notification({ notificationType: 'Delivery', mail: {} }))), env)
    expect(delivery).toEqual({ kind: 'events', events: [] })
    expect(calls.fetched).toEqual([CERT_URL]) // fetched once, three messages
  })

  it('refuses a tampered message, a wrong key, a wrong topic', async () => {
    const { ses } = source()
    const tampered = notification()
    tampered.Message = tampered.Message.replace('gone@example.com', 'else@example.com')
    expect((await ses.handle(request(JSON.stringify(tampered)), env)).kind).toBe('unauthorized')
    const subject = notification()
    subject.Subject = 'changed'
    expect((await ses.handle(request(JSON.stringify(subject)), env)).kind).toBe('unauthorized')
    const wrongKey = notification(sesBounce, { key: () => otherKeyPem })
    expect((await ses.handle(request(JSON.stringify(wrongKey)), env)).kind).toBe('unauthorized')
    const otherTopic = snsMessage({ Type: 'Notification', Message: JSON.stringify(sesBounce), TopicArn: 'arn:aws:sns:eu-west-1:999999999999:evil' })
    expect(await ses.handle(request(JSON.stringify(otherTopic)), env)).toMatchObject({ kind: 'unauthorized', message: expect.stringMatching(/topic/i) })
    expect((await ses.handle(request('not json'), env)).kind).toBe('unauthorized')
  })

  it('refuses a certificate URL off SNS hosts before fetching anything', async () => {
    const { ses, calls } = source()
    for (const url of [
      'https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem',
      'https://evil.example/sns.eu-west-1.amazonaws.com/cert.pem',
      'http://sns.eu-west-1.amazonaws.com/cert.pem',
      'https://sns.eu-west-1.amazonaws.com/cert.txt',
      'https://sns.eu-west-1.amazonaws.com:8443/cert.pem',
      'https://user@sns.eu-west-1.amazonaws.com/cert.pem',
      'https://s3.amazonaws.com/cert.pem',
    ]) {
      const message = notification()
      message.SigningCertURL = url
      expect(await ses.handle(request(JSON.stringify(message)), env)).toMatchObject({ kind: 'unauthorized', message: expect.stringMatching(/SigningCertURL/) })
    }
    expect(calls.fetched).toEqual([])
    // The China partition's hosts are SNS's too.
    const cn = notification()
    cn.SigningCertURL = 'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-1.pem'
    await ses.handle(request(JSON.stringify(cn)), env)
    expect(calls.fetched).toEqual(['https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-1.pem'])
  })

  it('refuses a correctly signed message older than an hour', async () => {
    const { ses, calls } = source()
    const old = snsMessage({ Type: 'Notification', Message: JSON.stringify(sesBounce), Timestamp: new Date(NOW.getTime() - 61 * 60_000).toISOString() })
    expect(await ses.handle(request(JSON.stringify(old)), env)).toMatchObject({ kind: 'unauthorized', message: expect.stringMatching(/stale/i) })
    expect(calls.fetched).toEqual([])
  })

  it('refuses a message signed with a certificate past its validity', async () => {
    const { ses } = source()
    const later = new Date(NOW.getTime() + 3651 * 24 * 3600_000)
    const message = snsMessage({ Type: 'Notification', Message: JSON.stringify(sesBounce), Timestamp: later.toISOString() })
    expect(await ses.handle(request(JSON.stringify(message), {}, later), env)).toMatchObject({ kind: 'unauthorized', message: expect.stringMatching(/certificate/i) })
  })

  it('does not keep a failed certificate fetch: the next message fetches again', async () => {
    let attempts = 0
    const ses = createSesSource({
      fetchCertificate: async () => {
        attempts += 1
        if (attempts === 1) throw new Error('network down')
        return certPem
      },
      confirmSubscription: async () => {},
    })
    expect((await ses.handle(request(JSON.stringify(notification())), env)).kind).toBe('unauthorized')
    expect((await ses.handle(request(JSON.stringify(notification())), env)).kind).toBe('events')
    expect(attempts).toBe(2)
  })

  it('confirms a SubscriptionConfirmation once, with its SubscribeURL, after verifying it', async () => {
    const { ses, calls } = source()
    const subscribeUrl = `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TOPIC)}&Token=tok-123`
    const confirmation = snsMessage({
      Type: 'SubscriptionConfirmation',
      Message: `You have chosen to subscribe to the topic ${TOPIC}.`,
      SubscribeURL: subscribeUrl,
      Token: 'tok-123',
    })
    expect(await ses.handle(request(JSON.stringify(confirmation)), env)).toMatchObject({ kind: 'reply', status: 200 })
    expect(calls.confirmed).toEqual([subscribeUrl])

    // Forged: the SubscribeURL changed after signing; nothing is visited.
    const forged = { ...confirmation, SubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=other' }
    expect((await ses.handle(request(JSON.stringify(forged)), env)).kind).toBe('unauthorized')
    // Signed but off-SNS SubscribeURL (cannot come from SNS): not visited.
    const offHost = snsMessage({ Type: 'SubscriptionConfirmation', Message: 'x', SubscribeURL: 'https://evil.example/confirm', Token: 't' })
    expect((await ses.handle(request(JSON.stringify(offHost)), env)).kind).toBe('invalid')
    expect(calls.confirmed).toEqual([subscribeUrl])
  })
})
