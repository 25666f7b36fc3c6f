import type { Payload } from 'payload'

import { observeSmtpAttempts, type SmtpAttempt } from '../../emails/transport'

/**
 * "Did the last SMTP attempt work?", shared by every process that sends mail: the worker's
 * newsletter pool and the app's own mail (password resets, subscriber confirmations, alerts).
 *
 * Where: one `payload-kv` entry (`smtp:last-attempt`: { ok, at, code, role }), not a
 * heartbeat field, because app processes send mail too and have no heartbeat row; not a
 * global, because an upsert by a unique key is one statement on both adapters. No address
 * or server reply is kept (health must reveal no personal data), only the error code.
 *
 * Cost: a newsletter makes thousands of attempts per minute, so each process writes at most
 * once per second, only when it made an attempt since its last write, and the newest
 * attempt then. Idle: no writes. Processes' writes interleave at that second's grain: the
 * entry is the last attempt anywhere to within about a second.
 */
export const SMTP_STATUS_KEY = 'smtp:last-attempt'
const FLUSH_EVERY_MS = 1_000

export type SmtpStatus = SmtpAttempt & { role: string }

const RECORDER = Symbol.for('clinic.smtpStatusRecorder')
type Holder = { [RECORDER]?: { payload: Payload } }

/** Starts recording in this process (idempotent: Payload can initialise twice in one process). */
export const recordSmtpAttempts = (payload: Payload, role: string) => {
  const holder = globalThis as Holder
  if (holder[RECORDER]) {
    holder[RECORDER].payload = payload
    return
  }
  const state = { payload }
  holder[RECORDER] = state
  let pending: SmtpAttempt | undefined
  let timer: NodeJS.Timeout | undefined
  const flush = async () => {
    timer = undefined
    const attempt = pending
    pending = undefined
    if (!attempt) return
    try {
      // payload.kv.set's upsert, without reading the row back.
      await state.payload.db.upsert({
        collection: 'payload-kv',
        where: { key: { equals: SMTP_STATUS_KEY } },
        data: { key: SMTP_STATUS_KEY, data: { ...attempt, role } satisfies SmtpStatus },
        returning: false,
      })
    } catch (error) {
      // Two processes creating the entry at once: the loser's next flush updates it.
      state.payload.logger.warn({ event: 'smtp-status.write-failed', err: error })
    }
  }
  observeSmtpAttempts((attempt) => {
    if (!pending || attempt.at >= pending.at) pending = attempt
    if (!timer) {
      timer = setTimeout(() => void flush(), FLUSH_EVERY_MS)
      timer.unref()
    }
  })
}

export const readSmtpStatus = async (payload: Payload): Promise<SmtpStatus | null> => payload.kv.get<SmtpStatus>(SMTP_STATUS_KEY)
