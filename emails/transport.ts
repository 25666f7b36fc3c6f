import { randomUUID } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'

import { createTransport } from 'nodemailer'

import { createSmtpPool, type SocketCallback } from '../src/seams/nodemailer'
import { loadDkimConfig, type DkimConfig } from './dkim'
import { DEFAULT_FROM, newMessageId, senderDomain } from './headers'

/**
 * The one way out for every email: `createMailer()` sends through SMTP when `SMTP_URL` is
 * set, and otherwise writes each message as an `.eml` file to the outbox directory, so
 * development and tests never need a mail server. Either way the MIME message is built
 * by nodemailer, so the outbox shows byte for byte what SMTP would have carried.
 */

/**
 * A body part already encoded for the wire (its MIME headers, a blank line, the encoded
 * body), which nodemailer sends as it is: see `personaliseNewsletterParts`.
 */
export type EncodedPart = { raw: string }

export type OutgoingEmail = {
  to: string
  subject: string
  html: string | EncodedPart
  text: string | EncodedPart
  /** Extra headers such as List-Unsubscribe. */
  headers?: Record<string, string>
  /** A fixed Message-ID (e.g. `<newsletter-12.member-34@clinic>`); nodemailer makes one otherwise. */
  messageId?: string
}

/**
 * `response` is the SMTP server's reply: the message was *submitted*, not delivered.
 * `path` is set instead when the message went to the outbox.
 */
export type SentInfo = { messageId: string; response?: string; path?: string }

export type MailerLogger = { info: (message: string) => void }

export type MailerOptions = {
  logger?: MailerLogger
  /** Overrides `SMTP_URL`; an empty string forces the outbox. */
  smtpUrl?: string
  /** Overrides `EMAIL_FROM`. */
  from?: string
  /** Overrides `EMAIL_OUTBOX_DIR`. */
  outboxDir?: string
  /** Overrides `SMTP_POOL_SIZE`: connections kept open to the SMTP server. */
  poolSize?: number
  /** Overrides `SMTP_RATE_PER_SECOND`: messages per second across all connections. */
  ratePerSecond?: number
  /**
   * nodemailer's pool silently sends a message again on a fresh connection when the old one
   * closed mid-send, even after the message was handed over (the server may have accepted
   * it): a duplicate. Bulk senders that track each message themselves pass false and get
   * the error instead. Default true (one-off mail: a duplicate is better than a loss).
   */
  requeueOnConnectionClose?: boolean
  /** Overrides the DKIM_* settings (emails/dkim.ts); null sends unsigned. */
  dkim?: DkimConfig | null
}

export type Mailer = {
  send: (message: OutgoingEmail) => Promise<SentInfo>
  /** Closes pooled SMTP connections; a message still in flight finishes first. */
  close: () => void
}

/**
 * The outcome of one SMTP transaction, for whoever watches the mail server's health
 * (src/health/smtpStatus.ts). A recipient the server refuses (RCPT TO answered 4xx/5xx) is
 * the server working; no connection, a refused login, a timeout or a refused message is not.
 */
export type SmtpAttempt = { ok: boolean; at: number; code?: string }
type AttemptListener = (attempt: SmtpAttempt) => void

// On globalThis: Next's server bundle and plain Node may each load a copy of this module.
const LISTENERS = Symbol.for('clinic.smtpAttemptListeners')
const attemptListeners = (): Set<AttemptListener> =>
  ((globalThis as { [LISTENERS]?: Set<AttemptListener> })[LISTENERS] ??= new Set())

/** Calls `listener` after every SMTP transaction of every mailer in this process; returns the unsubscribe. */
export const observeSmtpAttempts = (listener: AttemptListener) => {
  attemptListeners().add(listener)
  return () => void attemptListeners().delete(listener)
}

const reportAttempt = (attempt: SmtpAttempt) => {
  for (const listener of attemptListeners()) {
    try {
      listener(attempt)
    } catch {
      // A watcher's trouble is not the message's.
    }
  }
}

const attemptOfError = (error: unknown): SmtpAttempt => {
  const failure = error as { command?: string; code?: string; responseCode?: number }
  return {
    ok: failure?.command === 'RCPT TO',
    at: Date.now(),
    code: failure?.responseCode ? String(failure.responseCode) : failure?.code,
  }
}

export { DEFAULT_FROM }
const DEFAULT_OUTBOX_DIR = './data/outbox'

const positiveNumber = (value: string | undefined): number | undefined => {
  const parsed = Number(value)
  return Number.isFinite(parsed) && parsed > 0 ? parsed : undefined
}

/** Headers nodemailer writes from the message fields; a custom copy would contradict them. */
const RESERVED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'message-id',
  'date',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
])
/** RFC 5322 field name: printable ASCII except the colon. */
const HEADER_NAME = /^[!-9;-~]+$/

/**
 * A line break in a header value ends that header and starts one the sender never wrote
 * (`Bcc:` to a stranger, a second body). Values reach here from sign-up forms and the CMS,
 * so refuse them outright rather than trust every layer above to have stripped them.
 */
const assertSafeHeaders = (message: OutgoingEmail) => {
  const check = (field: string, value: unknown) => {
    if (typeof value !== 'string') throw new Error(`Email ${field} must be a string.`)
    if (/[\r\n]/.test(value)) throw new Error(`Email ${field} contains a line break (possible header injection); not sent.`)
  }
  check('recipient (to)', message.to)
  if (!message.to.trim()) throw new Error('Email has no recipient (to); not sent.')
  check('subject', message.subject)
  if (message.messageId !== undefined) check('Message-ID', message.messageId)
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw new Error(`Email header name ${JSON.stringify(name)} is not a valid header name; not sent.`)
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw new Error(`Email header ${name} is set from the message fields, not from headers; not sent.`)
    check(`header ${name}`, value)
  }
}

/**
 * Our headers go out as written (folded at spaces only): nodemailer would otherwise turn a value
 * with quotes or angle brackets, such as List-Id's `"Clinic newsletter" <newsletter.domain>`,
 * into one RFC 2047 encoded word, which no list header parser reads. Values were checked for
 * line breaks (assertSafeHeaders); a non-ASCII value is left to nodemailer to encode.
 */
const prepared = (headers: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, /^[\x20-\x7e]*$/.test(value) ? { prepared: true, foldLines: true, value } : value]),
  ) as unknown as Record<string, string>

/**
 * Only the fields we mean to send: a caller's stray `bcc` or `attachments` never rides along.
 * `dkim` goes with each message, not on the transport: nodemailer reads a transport's `dkim`
 * only from options it parsed itself, never from a pool instance handed to createTransport.
 * The signer hashes the finished stream, so parts given `{ raw }` are signed like any other.
 */
const toNodemailer = (message: OutgoingEmail, from: string, dkim: DkimConfig | undefined) => ({
  from,
  to: message.to,
  subject: message.subject,
  // nodemailer's composer takes `{ raw }` for html and text (getAlternatives in
  // node_modules/nodemailer/lib/mail-composer/index.js); its type definitions do not say so.
  html: message.html as string,
  text: message.text as string,
  // Everything this process sends is sent by a program (RFC 3834): autoresponders stay quiet.
  headers: prepared({ 'Auto-Submitted': 'auto-generated', ...message.headers }),
  // Our own Message-ID when the caller has none (nodemailer's would do, but one shape for all: emails/headers.ts).
  messageId: message.messageId ?? newMessageId(senderDomain(from)),
  ...(dkim ? { dkim } : {}),
})

/**
 * Opens each pooled SMTP connection ourselves so Nagle's algorithm is off (TCP_NODELAY).
 * SMTP is request/response: a short command written right after another waits, with Nagle
 * on, for the ACK of the first, which the server may delay ~40 ms; pipelined envelope
 * commands and the end of DATA stall like that on every message.
 *
 * nodemailer's `getSocket` hook (meant for proxies) is the supported way in: the pool takes
 * only a `connection` from it, an already connected socket (see pool-resource.js `connect`
 * and SMTPConnection#connect in node_modules/nodemailer/lib/smtp-connection/index.js), then
 * does the greeting, TLS (smtps:// upgrades this socket with SNI; smtp:// may STARTTLS),
 * AUTH and sending itself. So this only connects. Trade-off: nodemailer's own connector
 * would retry other resolved addresses; Node's happy-eyeballs (`autoSelectFamily`) covers
 * IPv4/IPv6 here.
 */
const connectWithNoDelay = (
  options: { host?: string; port?: number; secure?: boolean; connectionTimeout?: number },
  callback: SocketCallback,
) => {
  // The same defaults SMTPConnection applies when the URL names no port.
  const host = options.host || 'localhost'
  const port = Number(options.port) || (options.secure ? 465 : 587)
  const socket = net.connect({ host, port, keepAlive: true })
  const fail = (error: Error) => {
    socket.removeListener('connect', ready)
    socket.destroy()
    // Not `callback(error)`: nodemailer 9's pool does not free a connection slot whose
    // getSocket failed, so after `maxConnections` failures (server down) every later message
    // waits forever. Returning no socket makes the pool connect by itself, which fails the
    // same way through its normal error path: the message is rejected, the slot freed.
    void error
    callback(null)
  }
  const onTimeout = () => fail(new Error(`Timed out connecting to SMTP server ${host}:${port}.`))
  const ready = () => {
    socket.removeListener('error', fail)
    socket.removeListener('timeout', onTimeout)
    socket.setTimeout(0)
    // Before nodemailer reads the greeting or writes EHLO: the whole session runs without Nagle.
    socket.setNoDelay(true)
    callback(null, { connection: socket })
  }
  socket.setTimeout(options.connectionTimeout ?? 2 * 60_000)
  socket.once('timeout', onTimeout)
  socket.once('error', fail)
  socket.once('connect', ready)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Spaces sends evenly at `perSecond` across every connection of this mailer. Not
 * nodemailer's `rateLimit`: that pauses a connection once it hits the limit, and the pool
 * then opens another connection and keeps sending, so a burst goes out faster than the
 * limit (seen with nodemailer 9.1: 3 messages in 0.3 s at rateLimit 2 per second).
 * The limit is per process; several workers each get the full rate.
 */
const pacer = (perSecond: number) => {
  const interval = 1000 / perSecond
  let nextSlot = 0
  return async () => {
    const now = Date.now()
    const slot = Math.max(now, nextSlot)
    nextSlot = slot + interval
    if (slot > now) await sleep(slot - now)
  }
}

const smtpMailer = (smtpUrl: string, from: string, dkim: DkimConfig | undefined, options: MailerOptions): Mailer => {
  const poolSize = options.poolSize ?? positiveNumber(process.env.SMTP_POOL_SIZE) ?? 5
  const ratePerSecond = options.ratePerSecond ?? positiveNumber(process.env.SMTP_RATE_PER_SECOND)
  // Built as an SMTPPool (src/seams/nodemailer.ts) rather than `createTransport({ url, pool: true })`:
  // given an object with `url`, createTransport keeps only what the URL says and silently
  // drops `pool`, `maxConnections` and `getSocket`. SMTPPool merges the URL over these options.
  const pool = createSmtpPool({
    url: smtpUrl,
    maxConnections: poolSize,
    getSocket: connectWithNoDelay,
    ...(options.requeueOnConnectionClose === false ? { maxRequeues: 0 } : {}),
  })
  const transporter = createTransport(pool)
  const waitForSlot = ratePerSecond ? pacer(ratePerSecond) : undefined
  return {
    send: async (message) => {
      assertSafeHeaders(message)
      await waitForSlot?.()
      let info: Awaited<ReturnType<typeof transporter.sendMail>>
      try {
        info = await transporter.sendMail(toNodemailer(message, from, dkim))
      } catch (error) {
        reportAttempt(attemptOfError(error))
        throw error
      }
      reportAttempt({ ok: true, at: Date.now() })
      return { messageId: info.messageId, response: info.response }
    },
    close: () => transporter.close(),
  }
}

const outboxMailer = (outboxDir: string, from: string, dkim: DkimConfig | undefined, logger: MailerLogger): Mailer => {
  // RFC 5322 lines end in CRLF; .eml readers and parsers expect the wire format.
  const transporter = createTransport({ streamTransport: true, buffer: true, newline: 'windows' })
  return {
    send: async (message) => {
      assertSafeHeaders(message)
      const info = await transporter.sendMail(toNodemailer(message, from, dkim))
      await mkdir(outboxDir, { recursive: true })
      // Sortable by time; the random part keeps two messages in one millisecond apart.
      const file = path.resolve(outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`)
      await writeFile(file, info.message as Buffer, { flag: 'wx' })
      logger.info(`Email "${message.subject}" written to ${file} (SMTP_URL is not set).`)
      return { messageId: info.messageId, path: file }
    },
    close: () => transporter.close(),
  }
}

/**
 * Reads the environment when called, not on import, so a process (or a test) can set
 * SMTP_URL before creating its mailer. Create one per process and reuse it: the SMTP
 * pool keeps its connections open between messages.
 */
export const createMailer = (options: MailerOptions = {}): Mailer => {
  const logger = options.logger ?? console
  const smtpUrl = (options.smtpUrl ?? process.env.SMTP_URL ?? '').trim()
  const from = options.from || process.env.EMAIL_FROM?.trim() || DEFAULT_FROM
  // Throws on a half DKIM configuration or an unreadable key: better no mailer than unsigned mail.
  const dkim = options.dkim === null ? undefined : (options.dkim ?? loadDkimConfig())
  if (smtpUrl) return smtpMailer(smtpUrl, from, dkim, options)
  return outboxMailer(options.outboxDir || process.env.EMAIL_OUTBOX_DIR?.trim() || DEFAULT_OUTBOX_DIR, from, dkim, logger)
}
