import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import { SMTPServer } from 'smtp-server'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'

import { compileTemplate, mjmlCompileCount, personalise, renderEmail } from '../../emails/render'
import * as templates from '../../emails/templates'
import { createMailer, type Mailer } from '../../emails/transport'
import { waitFor } from '../helpers/waitFor'

/**
 * The email module against a real SMTP server (smtp-server on a free local port) and a
 * real outbox directory. No Payload, no database.
 */

const clinic = {
  name: 'Stevenson Therapeutic Medical Massage and Facials',
  tagline: 'Medical massage & facials',
  bookingUrl: 'https://book.clinic.test/',
  mailingAddress: '123 Example Street\nSpringfield, IL 62701',
  medicalDisclaimer: 'Not medical advice.',
}

// A URL with characters that must be escaped in HTML: `&` and `"`.
const confirmUrl = 'https://clinic.test/email/confirm?token=abc.def&source="form"'
const tokens = {
  name: 'Ana <Lee>',
  confirmUrl,
  preferencesUrl: 'https://clinic.test/email/preferences?token=m',
  unsubscribeUrl: 'https://clinic.test/email/unsubscribe?token=m',
}

// --- a small MIME reader, enough for nodemailer's multipart/alternative output ---

type MimePart = { headers: Map<string, string>; body: string; parts: MimePart[] }

const decodeBody = (body: string, encoding = '') => {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (/quoted-printable/i.test(encoding)) {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    return Buffer.from(bytes, 'latin1').toString('utf8')
  }
  return body
}

const parseMime = (raw: string): MimePart => {
  const split = raw.search(/\r?\n\r?\n/)
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ')
  const rawBody = raw.slice(split).replace(/^\r?\n\r?\n/, '')
  const headers = new Map<string, string>()
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  const boundary = /boundary="?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1]
  if (!boundary) return { headers, body: decodeBody(rawBody, headers.get('content-transfer-encoding')), parts: [] }
  const parts = rawBody
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((chunk) => parseMime(chunk.replace(/^\r?\n/, '')))
  return { headers, body: '', parts }
}

const partOfType = (message: MimePart, type: string) =>
  message.parts.find((part) => part.headers.get('content-type')?.startsWith(type))

// --- the SMTP server ---

type Received = { raw: string; from: string; to: string[] }
const received: Received[] = []
let connections = 0
let server: SMTPServer
let smtpUrl: string
const savedEnv = { ...process.env }
const mailers: Mailer[] = []

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections++
      callback()
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        received.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`
})

afterEach(() => {
  while (mailers.length) mailers.pop()!.close()
  process.env = { ...savedEnv }
  vi.restoreAllMocks()
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const mailer = () => {
  const created = createMailer({ logger: { info: () => {} } })
  mailers.push(created)
  return created
}

describe('sending through SMTP', () => {
  it('delivers a rendered confirmation with text and HTML parts, filled tokens and custom headers', async () => {
    process.env.SMTP_URL = smtpUrl
    process.env.EMAIL_FROM = 'Stevenson Clinic <news@clinic.test>'
    const setNoDelay = vi.spyOn(net.Socket.prototype, 'setNoDelay')
    const email = await renderEmail(templates.confirmSubscription, clinic, tokens)
    const before = received.length

    const info = await mailer().send({
      to: 'ana@example.test',
      subject: email.subject,
      html: email.html,
      text: email.text,
      headers: { 'List-Unsubscribe': '<https://clinic.test/email/unsubscribe?token=m>', 'X-Clinic-Template': 'confirmSubscription' },
    })

    expect(info.response).toMatch(/^250/)
    expect(info.messageId).toMatch(/^<.+@.+>$/)
    expect(received.length).toBe(before + 1)
    const delivery = received.at(-1)!
    expect(delivery.from).toBe('news@clinic.test')
    expect(delivery.to).toEqual(['ana@example.test'])

    const message = parseMime(delivery.raw)
    expect(message.headers.get('subject')).toBe('Please confirm your subscription to Stevenson Therapeutic Medical Massage and Facials')
    expect(message.headers.get('message-id')).toBe(info.messageId)
    expect(message.headers.get('list-unsubscribe')).toBe('<https://clinic.test/email/unsubscribe?token=m>')
    expect(message.headers.get('x-clinic-template')).toBe('confirmSubscription')
    expect(message.headers.get('content-type')).toMatch(/^multipart\/alternative/)

    const html = partOfType(message, 'text/html')!.body
    const text = partOfType(message, 'text/plain')!.body
    expect(html).toBeTruthy()
    expect(text).toBeTruthy()
    expect(html).not.toContain('{{')
    expect(html).toContain('href="https://clinic.test/email/confirm?token=abc.def&amp;source=&quot;form&quot;"')
    expect(html).not.toContain(confirmUrl)
    expect(html).toContain('Hi Ana &lt;Lee&gt;,')
    expect(html).toContain('Confirm my subscription')
    expect(html).toContain('expires in 7 days')
    // Wrapped at 78 columns, so compare with line breaks folded.
    expect(text.replace(/\s+/g, ' ')).toContain(`Confirm my subscription [${confirmUrl}]`)
    expect(text).toContain('Hi Ana <Lee>,')
    expect(text).toContain('Springfield, IL 62701')

    // The client's socket (the one whose remote end is the server) had Nagle's algorithm turned off.
    const serverPort = Number(new URL(smtpUrl).port)
    const clientSockets = setNoDelay.mock.contexts.filter((socket) => (socket as net.Socket).remotePort === serverPort)
    expect(clientSockets.length).toBeGreaterThan(0)
    expect(setNoDelay.mock.calls[setNoDelay.mock.contexts.indexOf(clientSockets[0])][0]).toBe(true)
  })

  it('keeps SMTP connections open in a pool between messages', async () => {
    process.env.SMTP_URL = smtpUrl
    process.env.SMTP_POOL_SIZE = '1'
    const email = await renderEmail(templates.welcome, clinic, tokens)
    const sender = mailer()
    const connectionsBefore = connections
    for (const to of ['a@example.test', 'b@example.test', 'c@example.test']) {
      await sender.send({ to, subject: email.subject, html: email.html, text: email.text })
    }
    expect(connections - connectionsBefore).toBe(1)
  })

  it('paces sends to SMTP_RATE_PER_SECOND across connections', async () => {
    process.env.SMTP_URL = smtpUrl
    process.env.SMTP_RATE_PER_SECOND = '10'
    const sender = mailer()
    const started = Date.now()
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((local) => sender.send({ to: `${local}@example.test`, subject: 'Paced', html: '<p>x</p>', text: 'x' })),
    )
    // Four sends at 10 per second: the fourth may start 300 ms after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
  })

  it('rejects header injection before anything is sent', async () => {
    process.env.SMTP_URL = smtpUrl
    const email = await renderEmail(templates.welcome, clinic, tokens)
    const before = received.length
    const base = { to: 'ana@example.test', subject: email.subject, html: email.html, text: email.text }
    const sender = mailer()

    await expect(sender.send({ ...base, to: 'ana@example.test\r\nBcc: victim@example.test' })).rejects.toThrow(/line break/)
    await expect(sender.send({ ...base, subject: 'Hello\nBcc: victim@example.test' })).rejects.toThrow(/subject contains a line break/)
    await expect(sender.send({ ...base, headers: { 'X-Note': 'ok\r\nBcc: victim@example.test' } })).rejects.toThrow(/header X-Note contains a line break/)
    await expect(sender.send({ ...base, headers: { 'Bad Name:': 'x' } })).rejects.toThrow(/not a valid header name/)
    await expect(sender.send({ ...base, headers: { Bcc: 'victim@example.test' } })).rejects.toThrow(/set from the message fields/)

    // A clean message through the same mailer afterwards: once it has arrived, a wrongly sent
    // one before it would have too. Only the clean one is new.
    await sender.send({ ...base, subject: 'After the refusals' })
    await waitFor('the clean message', () => received.length > before, 10_000)
    expect(received.length).toBe(before + 1)
    expect(received[before]!.to).toEqual(['ana@example.test'])
    expect(received[before]!.raw).not.toMatch(/victim@example\.test/)
  })
})

describe('the outbox fallback (no SMTP_URL)', () => {
  let outbox: string

  beforeAll(async () => {
    outbox = await mkdtemp(path.join(os.tmpdir(), 'clinic-outbox-'))
  })

  afterAll(async () => {
    await rm(outbox, { recursive: true, force: true })
  })

  it('writes a parsable .eml file and logs its path', async () => {
    delete process.env.SMTP_URL
    delete process.env.EMAIL_FROM
    process.env.EMAIL_OUTBOX_DIR = outbox
    const logged: string[] = []
    const sender = createMailer({ logger: { info: (line) => logged.push(line) } })
    mailers.push(sender)
    const email = await renderEmail(templates.welcome, clinic, tokens)

    const info = await sender.send({ to: 'ana@example.test', subject: email.subject, html: email.html, text: email.text, headers: { 'X-Clinic-Template': 'welcome' } })

    expect(info.path).toBeDefined()
    expect(path.dirname(info.path!)).toBe(path.resolve(outbox))
    expect(await readdir(outbox)).toEqual([path.basename(info.path!)])
    expect(info.path).toMatch(/\.eml$/)
    expect(logged.some((line) => line.includes(info.path!))).toBe(true)

    const raw = await readFile(info.path!, 'utf8')
    expect(raw).toMatch(/\r\n/)
    const message = parseMime(raw)
    expect(message.headers.get('from')).toBe('Stevenson Clinic <no-reply@localhost>')
    expect(message.headers.get('to')).toBe('ana@example.test')
    expect(message.headers.get('subject')).toBe(email.subject)
    expect(message.headers.get('message-id')).toBe(info.messageId)
    expect(message.headers.get('x-clinic-template')).toBe('welcome')
    expect(partOfType(message, 'text/plain')!.body).toContain('Manage preferences [https://clinic.test/email/preferences?token=m]')
    expect(partOfType(message, 'text/html')!.body).toContain('href="https://clinic.test/email/unsubscribe?token=m"')
  })

  it('refuses header injection in the outbox too, writing nothing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'clinic-outbox-'))
    try {
      const sender = createMailer({ smtpUrl: '', outboxDir: dir, logger: { info: () => {} } })
      await expect(sender.send({ to: 'a@example.test', subject: 'Hi\r\nX-Evil: 1', html: '<p>x</p>', text: 'x' })).rejects.toThrow(/line break/)
      expect(await readdir(dir).catch(() => [])).toEqual([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('rendering', () => {
  it('compiles a template once, however many emails are rendered from it', async () => {
    // A clinic no other test uses, so the cache starts cold for it.
    const freshClinic = { ...clinic, name: `Compile-count Clinic ${Date.now()}` }
    const before = mjmlCompileCount()
    const first = await renderEmail(templates.alreadySubscribed, freshClinic, tokens)
    const second = await renderEmail(templates.alreadySubscribed, freshClinic, { ...tokens, name: 'Ben' })
    expect(mjmlCompileCount()).toBe(before + 1)
    expect(first.html).toContain('Hi Ana &lt;Lee&gt;,')
    expect(second.html).toContain('Hi Ben,')

    // Concurrent renders of a cold template share one compilation as well.
    const otherClinic = { ...freshClinic, tagline: 'Another tagline' }
    await Promise.all([1, 2, 3].map(() => renderEmail(templates.welcome, otherClinic, tokens)))
    expect(mjmlCompileCount()).toBe(before + 2)
  })

  it('throws a readable error for invalid MJML', async () => {
    const invalid = '<mjml><mj-body><mj-section><mj-column><mj-banana>hi</mj-banana></mj-column></mj-section></mj-body></mjml>'
    await expect(compileTemplate(invalid)).rejects.toThrow(/Invalid MJML template:\n\s+- line 1 <mj-banana>: Element mj-banana doesn't exist/)
    await expect(compileTemplate('<mjml><mj-body><mj-text>x</mj-text></mj-body></mjml>')).rejects.toThrow(/mj-text cannot be used inside mj-body/)
    await expect(compileTemplate('not mjml at all')).rejects.toThrow(/MJML template could not be parsed/)
  })

  it('personalises with escaped values and refuses to leave a placeholder empty', () => {
    expect(personalise('<a href="{{url}}">{{ name }}</a>', { url: 'https://x.test/?a=1&b=2', name: '{{url}} <b>' })).toBe(
      '<a href="https://x.test/?a=1&amp;b=2">&#123;&#123;url&#125;&#125; &lt;b&gt;</a>',
    )
    expect(() => personalise('<a href="{{unsubscribeUrl}}">Unsubscribe</a>', {})).toThrow(/missing values for: \{\{unsubscribeUrl\}\}/)
  })

  it('escapes clinic text so it cannot inject markup or tokens', async () => {
    const hostile = { ...clinic, name: 'Clinic <script>{{unsubscribeUrl}}</script>' }
    const email = await renderEmail(templates.confirmSubscription, hostile, tokens)
    expect(email.html).not.toContain('<script>')
    expect(email.html).not.toContain(tokens.unsubscribeUrl)
    expect(email.html).toContain('Clinic &lt;script&gt;&#123;&#123;unsubscribeUrl&#125;&#125;&lt;/script&gt;')
  })
})
