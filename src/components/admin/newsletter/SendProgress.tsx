'use client'

import React from 'react'

import { canRetryFailed, canRun, type NewsletterAction } from '../../../../jobs/newsletters/states'
import { type Counts, FINISHED_STATUSES, formatWhen, type NewsletterStatus, numberOr0, type Progress, relativeTime, tally } from './shared'
import { PanelButton, row, spaced } from './ui'

export const EMPTY_COUNTS: Counts = { recipients: 0, sent: 0, failed: 0, bounced: 0, complained: 0, unknown: 0, skipped: 0 }

/** Whether the progress box has anything to show: once the worker has taken the audience. */
export const hasProgress = (status: NewsletterStatus, counts: Counts) =>
  ['sending', 'paused', ...FINISHED_STATUSES].includes(status) || (status === 'scheduled' && numberOr0(counts.recipients) > 0)

type Props = {
  status: NewsletterStatus
  progress: Progress | null
  timeZone: string | null
  busy: boolean
  control: (action: Exclude<NewsletterAction, 'cancel'>, done: string) => void
  onCancelSending: () => void
}

/**
 * The send as the worker reports it: a bar, the counts, the finish estimate, the sender's
 * note, and only the levers the state table allows now (jobs/newsletters/states.ts): pause,
 * resume, cancel, "retry failed recipients only".
 */
export const SendProgress: React.FC<Props> = ({ status, progress, timeZone, busy, control, onCancelSending }) => {
  const counts: Counts = progress?.counts ?? EMPTY_COUNTS
  const { done, recipients, remaining } = tally(counts)
  const percent = recipients > 0 ? Math.min(100, Math.round((done / recipients) * 100)) : status === 'sent' ? 100 : 0
  const zone = timeZone ?? undefined
  const retryable = canRetryFailed(status, numberOr0(counts.failed))

  return (
    <div style={spaced}>
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
            ['Marked as spam', counts.complained],
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
        <p style={{ margin: '6px 0 0' }}>
          Estimated finish: {formatWhen(progress.estimatedFinishAt, zone)} ({relativeTime(progress.estimatedFinishAt)})
        </p>
      ) : null}
      {progress?.finishedAt && FINISHED_STATUSES.includes(status) ? <p style={{ margin: '6px 0 0' }}>Finished {formatWhen(progress.finishedAt, zone)}.</p> : null}
      {progress?.note ? (
        <p role="note" style={{ margin: '6px 0 0', color: 'var(--theme-warning-650, var(--theme-warning-500))' }}>
          {progress.note}
        </p>
      ) : null}
      <div style={{ ...row, marginTop: 'calc(var(--base) * 0.5)' }}>
        {canRun('pause', status) ? (
          <PanelButton disabled={busy} onClick={() => control('pause', 'Paused. Messages already handed to the mail server still arrive.')}>
            Pause
          </PanelButton>
        ) : null}
        {canRun('resume', status) ? (
          <PanelButton kind="primary" disabled={busy} onClick={() => control('resume', 'Resumed.')}>
            Resume
          </PanelButton>
        ) : null}
        {canRun('cancel', status) ? (
          <PanelButton disabled={busy} onClick={onCancelSending}>
            Cancel sending
          </PanelButton>
        ) : null}
        {retryable ? (
          <PanelButton disabled={busy} onClick={() => control('retry-failed', 'Failed recipients queued again.')}>
            Retry failed recipients only
          </PanelButton>
        ) : null}
      </div>
    </div>
  )
}
