'use client'

import { ConfirmationModal, useDocumentInfo, useForm, useFormFields, useFormModified, useModal } from '@payloadcms/ui'
import React, { useCallback, useEffect, useRef, useState } from 'react'

import { parseScheduleTime } from '../../../utilities/parseScheduleTime'
import {
  ACTIVE_STATUSES,
  browserTimeZone,
  type Counts,
  errorMessage,
  FINISHED_STATUSES,
  formatWhen,
  nextThursdayMorning,
  type NewsletterStatus,
  numberOr0,
  type Progress,
  relativeTime,
  toLocalInput,
} from './shared'

const POLL_MS = 1500
const CANCEL_MODAL = 'newsletter-cancel-send'

type Message = { kind: 'ok' | 'error'; text: string } | null

const box: React.CSSProperties = {
  border: '1px solid var(--theme-elevation-150)',
  borderRadius: 'var(--style-radius-m, 4px)',
  padding: 'calc(var(--base) * 0.75)',
  marginBottom: 'var(--base)',
  background: 'var(--theme-elevation-0)',
}
const row: React.CSSProperties = { display: 'flex', flexWrap: 'wrap', gap: 'calc(var(--base) * 0.5)', alignItems: 'center' }
const noMargin: React.CSSProperties = { margin: 0 }

const MessageLine: React.FC<{ message: Message }> = ({ message }) =>
  message ? (
    <p role={message.kind === 'error' ? 'alert' : 'status'} style={{ margin: 'calc(var(--base) * 0.5) 0 0', color: message.kind === 'error' ? 'var(--theme-error-500)' : 'var(--theme-success-500)' }}>
      {message.text}
    </p>
  ) : null

/**
 * The newsletter's send controls, in the edit view's sidebar: send a test to yourself,
 * schedule (or send now), and, once the worker has started, its progress with pause,
 * resume, cancel and "retry failed recipients only". Scheduling saves the form with
 * `status: scheduled` so the owner's latest edits go out; every later transition is the
 * pipeline's (its endpoints), and this panel only mirrors the state it reports.
 */
export const NewsletterSendPanel: React.FC = () => {
  const { id } = useDocumentInfo()
  const { submit, dispatchFields } = useForm()
  const modified = useFormModified()
  const { openModal } = useModal()
  const formStatus = useFormFields(([fields]) => fields.status?.value as NewsletterStatus | undefined) ?? 'draft'
  const sendAt = useFormFields(([fields]) => fields.sendAt?.value as string | undefined)
  const [progress, setProgress] = useState<Progress | null>(null)
  const [busy, setBusy] = useState(false)
  const [testMessage, setTestMessage] = useState<Message>(null)
  const [message, setMessage] = useState<Message>(null)
  // Times are picked and shown on the clinic's clock (the clinic global's timezone), the way
  // the owner thinks of "Thursday 08:00", wherever her browser happens to be.
  const [timeZone, setTimeZone] = useState<string | null>(null)
  const [when, setWhen] = useState('')
  useEffect(() => {
    let cancelled = false
    fetch('/api/globals/clinic?depth=0', { credentials: 'include' })
      .then((response) => (response.ok ? response.json() : null))
      .catch(() => null)
      .then((clinic: { timezone?: string } | null) => {
        if (!cancelled) setTimeZone(clinic?.timezone || browserTimeZone())
      })
    return () => {
      cancelled = true
    }
  }, [])
  // Once the zone is known: a send time already chosen (and still ahead) is the default;
  // otherwise next Thursday 08:00. Only once, so a half-typed (empty) input is left alone.
  const defaulted = useRef(false)
  useEffect(() => {
    if (!timeZone || defaulted.current) return
    defaulted.current = true
    const chosen = sendAt ? new Date(sendAt) : null
    setWhen(toLocalInput(chosen && chosen.getTime() > Date.now() ? chosen : nextThursdayMorning(timeZone), timeZone))
  }, [timeZone, sendAt])
  const [, setTick] = useState(0)

  const status: NewsletterStatus = progress?.status ?? formStatus

  /**
   * Copies the status and counts the pipeline reports into the form, so the fields show
   * them and a later Save does not send an old status back over the worker's (which the
   * status guard would refuse).
   */
  const mirrorIntoForm = useCallback(
    (next: Progress) => {
      const update = (path: string, value: unknown) => dispatchFields({ type: 'UPDATE', path, value, initialValue: value })
      update('status', next.status)
      for (const key of ['recipients', 'sent', 'failed', 'bounced', 'unknown', 'skipped'] as const) update(`counts.${key}`, numberOr0(next.counts?.[key]))
    },
    [dispatchFields],
  )

  const loadProgress = useCallback(async () => {
    if (!id) return null
    const response = await fetch(`/api/newsletters/${id}/progress`, { credentials: 'include', cache: 'no-store' })
    if (!response.ok) throw new Error(await errorMessage(response, 'Could not read the sending progress'))
    const next = (await response.json()) as Progress
    setProgress(next)
    mirrorIntoForm(next)
    return next
  }, [id, mirrorIntoForm])

  // Poll while the worker has (or is about to have) work; once finished, read the final state once.
  useEffect(() => {
    if (!id) return
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const poll = async () => {
      try {
        const next = await loadProgress()
        if (stopped) return
        if (next && ACTIVE_STATUSES.includes(next.status)) timer = setTimeout(poll, POLL_MS)
      } catch (caught) {
        if (!stopped) {
          setMessage({ kind: 'error', text: (caught as Error).message })
          timer = setTimeout(poll, POLL_MS * 4)
        }
      }
    }
    if (ACTIVE_STATUSES.includes(formStatus) || FINISHED_STATUSES.includes(formStatus)) void poll()
    return () => {
      stopped = true
      if (timer) clearTimeout(timer)
    }
  }, [id, formStatus, loadProgress])

  // Keeps "in 3 minutes" current while scheduled.
  useEffect(() => {
    if (status !== 'scheduled') return
    const timer = setInterval(() => setTick((n) => n + 1), 15_000)
    return () => clearInterval(timer)
  }, [status])

  const run = async (action: () => Promise<string | void>) => {
    setBusy(true)
    setMessage(null)
    try {
      const text = await action()
      if (text) setMessage({ kind: 'ok', text })
    } catch (caught) {
      setMessage({ kind: 'error', text: (caught as Error).message })
    } finally {
      setBusy(false)
    }
  }

  const sendTest = async () => {
    setBusy(true)
    setTestMessage(null)
    try {
      const response = await fetch(`/api/newsletters/${id}/send-test`, { method: 'POST', credentials: 'include' })
      if (!response.ok) throw new Error(await errorMessage(response, 'The test email was not sent'))
      const body = (await response.json()) as { sentTo: string }
      setTestMessage({ kind: 'ok', text: `Test sent to ${body.sentTo}. Check your inbox.` })
    } catch (caught) {
      setTestMessage({ kind: 'error', text: (caught as Error).message })
    } finally {
      setBusy(false)
    }
  }

  /** Saves the form with the new status, so what is scheduled is what is on screen. */
  const saveWith = (overrides: Record<string, unknown>) =>
    run(async () => {
      setProgress(null)
      await submit({ overrides })
    })

  const schedule = () => {
    if (!timeZone) return
    if (!when) {
      setMessage({ kind: 'error', text: 'Pick a date and time to send.' })
      return
    }
    // Same reading as the scheduling API: a wall-clock time in the clinic's zone; an hour the
    // clocks skip is refused with a message rather than guessed.
    const parsed = parseScheduleTime(when, timeZone)
    if (!parsed.ok) {
      setMessage({ kind: 'error', text: parsed.message })
      return
    }
    void saveWith({ status: 'scheduled', sendAt: parsed.date.toISOString() })
  }

  const control = (action: 'pause' | 'resume' | 'cancel' | 'retry-failed', done: string) =>
    run(async () => {
      const response = await fetch(`/api/newsletters/${id}/${action}`, { method: 'POST', credentials: 'include' })
      if (!response.ok) throw new Error(await errorMessage(response, `Could not ${action.replace('-', ' ')}`))
      await loadProgress()
      return done
    })

  if (!id) {
    return (
      <div style={box}>
        <h4 style={noMargin}>Send</h4>
        <p style={{ margin: 'calc(var(--base) * 0.5) 0 0' }}>Save the newsletter to send yourself a test or schedule it.</p>
      </div>
    )
  }

  const counts: Counts = progress?.counts ?? { recipients: 0, sent: 0, failed: 0, bounced: 0, unknown: 0, skipped: 0 }
  const done = numberOr0(counts.sent) + numberOr0(counts.failed) + numberOr0(counts.bounced) + numberOr0(counts.unknown) + numberOr0(counts.skipped)
  const recipients = numberOr0(counts.recipients)
  const remaining = Math.max(0, recipients - done)
  const percent = recipients > 0 ? Math.min(100, Math.round((done / recipients) * 100)) : status === 'sent' ? 100 : 0
  const showProgress = ['sending', 'paused', ...FINISHED_STATUSES].includes(status) || (status === 'scheduled' && recipients > 0)
  const retryable = numberOr0(counts.failed) > 0 && ['sending', 'paused', 'sent', 'failed', 'cancelled'].includes(status)

  return (
    <div className="newsletter-send-panel" aria-labelledby="newsletter-send-heading">
      <div style={box}>
        <h4 id="newsletter-send-heading" style={noMargin}>
          Test
        </h4>
        <p style={{ margin: 'calc(var(--base) * 0.5) 0', color: 'var(--theme-elevation-600)' }}>
          {modified ? 'Save first: the test uses the last saved version.' : 'Sends the newsletter, subject marked [Test], to your own address.'}
        </p>
        <button type="button" className="btn btn--style-secondary btn--size-small" style={noMargin} disabled={busy || modified} onClick={sendTest}>
          Send test to me
        </button>
        <MessageLine message={testMessage} />
      </div>

      <div style={box}>
        <h4 style={noMargin}>
          Sending: <span data-testid="newsletter-status">{status}</span>
        </h4>

        {status === 'draft' && timeZone ? (
          <div style={{ marginTop: 'calc(var(--base) * 0.5)' }}>
            <label htmlFor="newsletter-send-at" style={{ display: 'block', marginBottom: 4 }}>
              Send at (clinic time, {timeZone})
            </label>
            <input
              id="newsletter-send-at"
              type="datetime-local"
              value={when}
              onChange={(event) => setWhen(event.target.value)}
              style={{ width: '100%', padding: '6px 8px', border: '1px solid var(--theme-elevation-150)', borderRadius: 'var(--style-radius-s, 3px)', background: 'var(--theme-input-bg)', color: 'var(--theme-text)' }}
            />
            <div style={{ ...row, margin: '6px 0 calc(var(--base) * 0.5)', fontSize: 13 }}>
              <button type="button" className="btn btn--style-subtle btn--size-small" style={noMargin} onClick={() => setWhen(toLocalInput(nextThursdayMorning(timeZone), timeZone))}>
                Next Thursday 08:00
              </button>
              <button type="button" className="btn btn--style-subtle btn--size-small" style={noMargin} onClick={() => setWhen(toLocalInput(new Date(Date.now() + 60 * 60_000), timeZone))}>
                In an hour
              </button>
            </div>
            <div style={row}>
              <button type="button" className="btn btn--style-primary btn--size-small" style={noMargin} disabled={busy} onClick={schedule}>
                Schedule send
              </button>
              <button type="button" className="btn btn--style-secondary btn--size-small" style={noMargin} disabled={busy} onClick={() => void saveWith({ status: 'scheduled', sendAt: new Date().toISOString() })}>
                Send now
              </button>
            </div>
          </div>
        ) : null}

        {status === 'scheduled' ? (
          <div style={{ marginTop: 'calc(var(--base) * 0.5)' }}>
            <p style={{ margin: '0 0 calc(var(--base) * 0.5)' }} data-testid="newsletter-scheduled-for">
              Sends {formatWhen(sendAt, timeZone ?? undefined) || 'now'}
              {sendAt ? ` (${relativeTime(sendAt)})` : ''}.
            </p>
            <div style={row}>
              <button type="button" className="btn btn--style-secondary btn--size-small" style={noMargin} disabled={busy} onClick={() => void saveWith({ status: 'draft' })}>
                Back to draft
              </button>
              {showProgress ? null : (
                <button type="button" className="btn btn--style-secondary btn--size-small" style={noMargin} disabled={busy} onClick={() => openModal(CANCEL_MODAL)}>
                  Cancel sending
                </button>
              )}
            </div>
          </div>
        ) : null}

        {showProgress ? (
          <div style={{ marginTop: 'calc(var(--base) * 0.5)' }}>
            <div
              role="progressbar"
              aria-label="Sending progress"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
              aria-valuetext={`${percent}%: ${done} of ${recipients} recipients done`}
              style={{ height: 10, borderRadius: 5, background: 'var(--theme-elevation-100)', overflow: 'hidden' }}
            >
              <div style={{ width: `${percent}%`, height: '100%', background: status === 'paused' ? 'var(--theme-warning-500)' : 'var(--theme-success-500)', transition: 'width 0.4s' }} />
            </div>
            <p style={{ margin: '6px 0' }} data-testid="newsletter-progress-text">
              <strong>{percent}%</strong> · {done} of {recipients} done
            </p>
            <dl data-testid="newsletter-counts" style={{ display: 'grid', gridTemplateColumns: 'auto auto', gap: '2px 12px', margin: 0, fontSize: 13 }}>
              {(
                [
                  ['Sent', counts.sent],
                  ['Failed', counts.failed],
                  ['Bounced', counts.bounced],
                  ['Unknown', counts.unknown],
                  ['Skipped', counts.skipped],
                  ['Remaining', remaining],
                ] as const
              ).map(([label, value]) => (
                <React.Fragment key={label}>
                  <dt>{label}</dt>
                  <dd style={{ margin: 0, textAlign: 'right', fontVariantNumeric: 'tabular-nums' }} data-count={label.toLowerCase()}>
                    {numberOr0(value)}
                  </dd>
                </React.Fragment>
              ))}
            </dl>
            {status === 'sending' && progress?.estimatedFinishAt ? (
              <p style={{ margin: '6px 0 0' }}>Estimated finish: {formatWhen(progress.estimatedFinishAt, timeZone ?? undefined)} ({relativeTime(progress.estimatedFinishAt)})</p>
            ) : null}
            {progress?.finishedAt && FINISHED_STATUSES.includes(status) ? <p style={{ margin: '6px 0 0' }}>Finished {formatWhen(progress.finishedAt, timeZone ?? undefined)}.</p> : null}
            {progress?.note ? (
              <p role="note" style={{ margin: '6px 0 0', color: 'var(--theme-warning-650, var(--theme-warning-500))' }}>
                {progress.note}
              </p>
            ) : null}
            <div style={{ ...row, marginTop: 'calc(var(--base) * 0.5)' }}>
              {status === 'sending' ? (
                <button type="button" className="btn btn--style-secondary btn--size-small" style={noMargin} disabled={busy} onClick={() => void control('pause', 'Paused. Messages already handed to the mail server still arrive.')}>
                  Pause
                </button>
              ) : null}
              {status === 'paused' ? (
                <button type="button" className="btn btn--style-primary btn--size-small" style={noMargin} disabled={busy} onClick={() => void control('resume', 'Resumed.')}>
                  Resume
                </button>
              ) : null}
              {status === 'sending' || status === 'paused' || status === 'scheduled' ? (
                <button type="button" className="btn btn--style-secondary btn--size-small" style={noMargin} disabled={busy} onClick={() => openModal(CANCEL_MODAL)}>
                  Cancel sending
                </button>
              ) : null}
              {retryable ? (
                <button type="button" className="btn btn--style-secondary btn--size-small" style={noMargin} disabled={busy} onClick={() => void control('retry-failed', 'Failed recipients queued again.')}>
                  Retry failed recipients only
                </button>
              ) : null}
            </div>
          </div>
        ) : null}
        <MessageLine message={message} />
      </div>
      <ConfirmationModal
        modalSlug={CANCEL_MODAL}
        heading="Cancel this send?"
        body={`Recipients not sent yet will not get it (${remaining} remaining). Those already sent keep their copy. This cannot be undone.`}
        confirmLabel="Cancel sending"
        cancelLabel="Keep sending"
        onConfirm={() => control('cancel', 'Cancelled.')}
      />
    </div>
  )
}
