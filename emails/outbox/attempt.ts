import type { Payload, Where } from 'payload'

import { classifySmtpFailure } from '../../jobs/newsletters/smtpErrors'
import type { Subscriber } from '../../payload-types'
import { SUPPRESSED_STATUSES, suppressSubscriber } from '../../src/emailEvents/suppress'
import type { Id } from '../../src/seams/database'
import { emailKeyOf } from '../../src/subscribers/emailAddress'
import { createMailer, type Mailer } from '../transport'
import { loadOutboxConfig, outboxRetryDelayMs, type OutboxConfig } from './config'
import { claimOutboxRow, finishOutboxAttempt, readOutboxRow, type OutboxRow } from './store'

export type AttemptOutcome = 'sent' | 'retrying' | 'failed' | 'skipped' | 'unknown' | 'not-claimed'

// On globalThis: Next's server bundle and plain Node may each load a copy of this module.
const MAILER = Symbol.for('clinic.outboxMailer')

/**
 * One mailer per process for the outbox. Not nodemailer's silent requeue: a message handed
 * over on a connection that then closed may have been accepted, and resending it would be the
 * duplicate the outbox exists to prevent; such an attempt is `unknown` instead.
 */
const outboxMailer = (payload: Payload): Mailer =>
  ((globalThis as { [MAILER]?: Mailer })[MAILER] ??= createMailer({ logger: { info: (line) => payload.logger.info(line) }, requeueOnConnectionClose: false }))

/** Whether the address may get mail: a bounced or complained subscriber gets nothing, not even a password reset. */
const isSuppressed = async (payload: Payload, row: OutboxRow): Promise<boolean> => {
  const where: Where = row.subscriber ? { id: { equals: row.subscriber } } : { emailKey: { equals: emailKeyOf(row.to) } }
  const subscriber = (await payload.db.findOne({ collection: 'subscribers', where, select: { status: true } })) as Pick<Subscriber, 'status'> | null
  return !!subscriber && (SUPPRESSED_STATUSES as readonly string[]).includes(subscriber.status)
}

/**
 * One attempt at an outbox row: claim it (one process wins), skip it for a suppressed address,
 * send it, and record the outcome:
 * - `sent`;
 * - `retrying` at a later `nextAttemptAt` when the server certainly did not take it (4xx, no
 *   connection), until the attempts run out (`failed`);
 * - `failed` for a permanent refusal (5xx); a dead mailbox (5.1.x) also suppresses its subscriber;
 * - `unknown` when the connection broke after the message was handed over: never resent.
 * Never throws: the row says what happened.
 */
export const attemptTransactionalEmail = async (
  payload: Payload,
  id: Id,
  options: { config?: OutboxConfig; mailer?: Mailer; now?: Date } = {},
): Promise<AttemptOutcome> => {
  const config = options.config ?? loadOutboxConfig()
  const now = options.now ?? new Date()
  const row = await readOutboxRow(payload, id)
  if (!row || !(await claimOutboxRow(payload, row, now))) return 'not-claimed'
  const attempts = (row.attempts ?? 0) + 1
  const log = { event: 'transactional-email.attempt', id: row.id, kind: row.kind, attempt: attempts }
  try {
    if (await isSuppressed(payload, row)) {
      await finishOutboxAttempt(payload, row.id, { status: 'skipped', lastError: 'The address is on the suppression list (bounced or complained): nothing is sent to it.' })
      payload.logger.info({ ...log, outcome: 'skipped' })
      return 'skipped'
    }
    const info = await (options.mailer ?? outboxMailer(payload)).send({ to: row.to, subject: row.subject, html: row.message.html, text: row.message.text, headers: row.message.headers })
    await finishOutboxAttempt(payload, row.id, { status: 'sent', smtpResponse: info.response ?? (info.path ? `written to ${info.path}` : null), sentAt: new Date() })
    payload.logger.info({ ...log, outcome: 'sent' })
    return 'sent'
  } catch (error) {
    const failure = classifySmtpFailure(error)
    let outcome: Exclude<AttemptOutcome, 'sent' | 'skipped' | 'not-claimed'>
    let lastError = failure.message
    let nextAttemptAt: Date | null = null
    if (failure.kind === 'transient' || failure.kind === 'unreachable') {
      if (attempts >= config.maxAttempts) {
        outcome = 'failed'
        lastError = `Gave up after ${attempts} attempts: ${failure.message}`
      } else {
        outcome = 'retrying'
        nextAttemptAt = new Date(now.getTime() + outboxRetryDelayMs(config, attempts))
      }
    } else if (failure.kind === 'ambiguous') {
      outcome = 'unknown'
      lastError = `Connection lost after the message was handed over; not sent again: ${failure.message}`
    } else {
      outcome = 'failed'
    }
    await finishOutboxAttempt(payload, row.id, { status: outcome, lastError, smtpResponse: failure.response, nextAttemptAt }).catch((markError) =>
      payload.logger.error({ ...log, err: markError, msg: 'could not record the outcome of a transactional email attempt' }),
    )
    if (failure.kind === 'hard-bounce' && row.subscriber) {
      await suppressSubscriber(payload, { subscriberId: row.subscriber, email: row.to, kind: 'hard_bounce', source: 'smtp', reason: failure.response ?? failure.message, at: new Date().toISOString() }).catch(
        () => undefined,
      )
    }
    payload.logger.warn({ ...log, outcome, error: lastError, ...(nextAttemptAt ? { retryAt: nextAttemptAt.toISOString() } : {}) })
    return outcome
  }
}
