import type { Payload } from 'payload'

import type { Id } from '../../src/seams/database'
import { sendAfterAnswer } from '../../src/utilities/mailAfterAnswer'
import { attemptTransactionalEmail, type AttemptOutcome } from './attempt'
import { recordOutboxRow, type OutboxMessage, type TransactionalKind } from './store'

/**
 * Durable transactional mail (collections/TransactionalEmails.ts): every confirmation,
 * already-subscribed, welcome, reminder and password-reset email is recorded here before it is
 * attempted, attempted at once by the process that recorded it, and retried by the worker
 * (jobs/transactional) when that attempt failed or never happened (the process died).
 */
export type TransactionalEmail = {
  kind: TransactionalKind
  to: string
  subscriber?: Id | null
  subject: string
  html: string
  text: string
  headers?: Record<string, string>
}

const rowOf = ({ html, text, headers, ...rest }: TransactionalEmail) => ({ ...rest, message: { html, text, ...(headers ? { headers } : {}) } satisfies OutboxMessage })

/** Records the email and attempts it now; for callers already past their request's answer. */
export const sendTransactionalEmail = async (payload: Payload, email: TransactionalEmail): Promise<AttemptOutcome> => {
  const id = await recordOutboxRow(payload, rowOf(email))
  return attemptTransactionalEmail(payload, id)
}

/**
 * Records the email within the request (so it survives a crash right after the answer) and
 * attempts it once the answer is handed back.
 */
export const recordThenSendAfterAnswer = async (payload: Payload, email: TransactionalEmail): Promise<Id> => {
  const id = await recordOutboxRow(payload, rowOf(email))
  sendAfterAnswer(
    () => attemptTransactionalEmail(payload, id),
    (error) => payload.logger.error({ event: 'transactional-email.failed', kind: email.kind, err: error }),
  )
  return id
}
