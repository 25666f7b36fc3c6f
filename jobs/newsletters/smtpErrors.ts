import type { NewsletterSendConfig } from './config'
import type { DeliveryOutcome } from './store/deliveries'

/**
 * What an SMTP failure means for a delivery. The line that matters for exactly-once: a
 * failure is only retried when the server certainly did not take the message (it said
 * 4xx, or we never got a connection). A connection that breaks after the message was
 * handed over may have been accepted: that delivery is `unknown`, never resent.
 */
export type FailureKind =
  /** 4xx, or no connection at all: try again later. */
  | 'transient'
  /** No connection could be opened: transient, and a sign that the server may be down. */
  | 'unreachable'
  /** 5xx that says the mailbox does not exist (5.1.x): the address is dead. */
  | 'hard-bounce'
  /** Other 5xx about the recipient or the message (mailbox full, policy, too big). */
  | 'bounce'
  /** 5xx that is not about the recipient (our configuration, auth): failed, not the subscriber's fault. */
  | 'failed'
  /** The connection broke with the message possibly accepted: ambiguous. */
  | 'ambiguous'

type SmtpError = Error & { code?: string; responseCode?: number; response?: string; command?: string }

/** Errors raised before any byte of a message reached a server. */
const NO_CONNECTION_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EDNS'])

export const classifySmtpFailure = (error: unknown): { kind: FailureKind; response?: string; message: string } => {
  const err = error as SmtpError
  const message = err?.message ?? String(error)
  const response = err?.response
  const code = typeof err?.responseCode === 'number' ? err.responseCode : undefined
  if (code !== undefined && code >= 400 && code < 500) return { kind: 'transient', response, message }
  if (code !== undefined && code >= 500) {
    const enhanced = /\b5\.(\d)\.(\d{1,3})\b/.exec(response ?? message)
    if (enhanced?.[1] === '1' && ['1', '2', '3', '6', '10'].includes(enhanced[2])) return { kind: 'hard-bounce', response, message }
    if (!enhanced && (code === 550 || code === 551 || code === 553) && err.command?.startsWith('RCPT')) return { kind: 'hard-bounce', response, message }
    if (err.command?.startsWith('RCPT') || err.command === 'DATA' || enhanced?.[1] === '2' || enhanced?.[1] === '1' || enhanced?.[1] === '6')
      return { kind: 'bounce', response, message }
    return { kind: 'failed', response, message }
  }
  if (NO_CONNECTION_CODES.has(err?.code ?? '') || err?.command === 'CONN' || /ECONNREFUSED|Timed out connecting/.test(message)) {
    return { kind: 'unreachable', response, message }
  }
  // A session broke without an answer. Before the message body was handed over (greeting,
  // EHLO, MAIL, RCPT) nothing can have been accepted; during or after DATA it may have been.
  if (err?.command && !/^(DATA|\.|MESSAGE|BDAT)/i.test(err.command) && err.command !== 'API') return { kind: 'transient', response, message }
  return { kind: 'ambiguous', response, message }
}

/** Exponential backoff with full jitter around the doubling delay (0.5×–1.5×). */
const backoff = (retryBaseMs: number, attempt: number) => retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random())

/** What a classified failure makes of the delivery's row: retried later, or finished (bounced, failed, unknown). */
export const deliveryOutcomeOf = (
  failure: ReturnType<typeof classifySmtpFailure>,
  attempts: number,
  config: Pick<NewsletterSendConfig, 'maxAttempts' | 'retryBaseMs'>,
): DeliveryOutcome => {
  const lastError = failure.message
  switch (failure.kind) {
    case 'hard-bounce':
    case 'bounce':
      return { status: 'bounced', lastError, smtpResponse: failure.response, attempts }
    case 'failed':
      return { status: 'failed', lastError, smtpResponse: failure.response, attempts }
    case 'ambiguous':
      return { status: 'unknown', lastError: `Connection lost after the message was handed over: ${lastError}`, smtpResponse: failure.response, attempts }
    case 'unreachable':
      // The server never saw it: retrying cannot duplicate. Doesn't use up attempts.
      return { status: 'queued', lastError, nextAttemptAt: Date.now() + backoff(config.retryBaseMs, 1), attempts: attempts - 1 }
    case 'transient':
      if (attempts >= config.maxAttempts) {
        return { status: 'failed', lastError: `Gave up after ${attempts} attempts: ${lastError}`, smtpResponse: failure.response, attempts }
      }
      return { status: 'queued', lastError, smtpResponse: failure.response, nextAttemptAt: Date.now() + backoff(config.retryBaseMs, attempts), attempts }
  }
}
