'use client'

import { ConfirmationModal, useFormFields, useModal } from '@payloadcms/ui'
import React, { useEffect, useRef, useState } from 'react'

import { parseScheduleTime } from '../../../utilities/parseScheduleTime'
import { useWorkerPresence } from '../useWorkerPresence'
import { WorkerPausedNotice } from '../WorkerPausedNotice'
import { errorMessage, formatWhen, nextThursdayMorning, type NewsletterStatus, relativeTime, subscribersPhrase, toLocalInput } from './shared'
import { noMargin, PanelButton, row, spaced, type Message } from './ui'

const CONFIRM_MODAL = 'newsletter-confirm-send'

/** A send the owner asked for and has yet to confirm: when, and to how many people as of now. */
type Pending = { at: 'now' | Date; recipients: number; topics: boolean }

const idOf = (value: unknown) => (value && typeof value === 'object' ? (value as { id?: unknown; value?: unknown }).id ?? (value as { value?: unknown }).value : value)

/** The audience's size as the send would take it now (the server counts by the snapshot's rule). */
const fetchAudienceSize = async (audience: string, topics: unknown[]) => {
  const query = new URLSearchParams({ audience })
  if (audience === 'topics') query.set('topics', topics.map(idOf).filter((id) => id !== undefined && id !== null).join(','))
  const response = await fetch(`/api/newsletters/audience-size?${query}`, { credentials: 'include', cache: 'no-store' })
  if (!response.ok) throw new Error(await errorMessage(response, 'Could not count the subscribers this would go to'))
  return ((await response.json()) as { recipients: number }).recipients
}

type Props = {
  status: NewsletterStatus
  timeZone: string | null
  busy: boolean
  /** Runs an action with the panel busy; a thrown error becomes the panel's message. */
  run: (action: () => Promise<string | void>) => Promise<void>
  say: (message: Message) => void
  /** Saves the form with these values, so what is scheduled is what is on screen. */
  saveWith: (overrides: Record<string, unknown>) => Promise<void>
  /** The progress box shows its own "Cancel sending" once there are recipients. */
  showProgress: boolean
  onCancelSending: () => void
}

/**
 * A draft's "Send at" (on the clinic's clock), "Schedule send" and "Send now", each confirmed
 * with the number of confirmed subscribers it would go to; a scheduled newsletter's time,
 * "Back to draft" and "Cancel sending".
 */
export const ScheduleSend: React.FC<Props> = ({ status, timeZone, busy, run, say, saveWith, showProgress, onCancelSending }) => {
  const { openModal } = useModal()
  const sendAt = useFormFields(([fields]) => fields.sendAt?.value as string | undefined)
  const audience = useFormFields(([fields]) => fields.audience?.value as string | undefined) ?? 'all'
  const topics = useFormFields(([fields]) => fields.audienceTopics?.value as unknown[] | undefined) ?? []
  const [when, setWhen] = useState('')
  const [pending, setPending] = useState<Pending | null>(null)
  const [, setTick] = useState(0)
  // Scheduling works without a worker, but nothing goes out until one runs: say so here.
  const presence = useWorkerPresence({ enabled: status === 'draft' || status === 'scheduled' })
  const workerMissing = presence !== null && !presence.alive

  // Once the zone is known: a send time already chosen (and still ahead) is the default;
  // otherwise next Thursday 08:00. Only once, so a half-typed (empty) input is left alone.
  const defaulted = useRef(false)
  useEffect(() => {
    if (!timeZone || defaulted.current) return
    defaulted.current = true
    const chosen = sendAt ? new Date(sendAt) : null
    setWhen(toLocalInput(chosen && chosen.getTime() > Date.now() ? chosen : nextThursdayMorning(timeZone), timeZone))
  }, [timeZone, sendAt])

  // Keeps "in 3 minutes" current while scheduled.
  useEffect(() => {
    if (status !== 'scheduled') return
    const timer = setInterval(() => setTick((n) => n + 1), 15_000)
    return () => clearInterval(timer)
  }, [status])

  const askFirst = (at: Pending['at']) =>
    run(async () => {
      const recipients = await fetchAudienceSize(audience, topics)
      setPending({ at, recipients, topics: audience === 'topics' })
      openModal(CONFIRM_MODAL)
    })

  const schedule = () => {
    if (!timeZone) return
    if (!when) return say({ kind: 'error', text: 'Pick a date and time to send.' })
    // Same reading as the scheduling API: a wall-clock time in the clinic's zone; an hour the
    // clocks skip is refused with a message rather than guessed.
    const parsed = parseScheduleTime(when, timeZone)
    if (!parsed.ok) return say({ kind: 'error', text: parsed.message })
    void askFirst(parsed.date)
  }

  const confirm = async () => {
    if (!pending) return
    // "Now" is when the owner confirms, not when she first clicked.
    await saveWith({ status: 'scheduled', sendAt: (pending.at === 'now' ? new Date() : pending.at).toISOString() })
    setPending(null)
  }

  const audienceWords = pending ? subscribersPhrase(pending.recipients) : ''
  const heading = !pending
    ? ''
    : pending.at === 'now'
      ? `Send to ${audienceWords} now?`
      : `Send to ${audienceWords} on ${formatWhen(pending.at.toISOString(), timeZone ?? undefined)}?`

  return (
    <>
      {workerMissing && (status === 'draft' || status === 'scheduled') ? (
        <WorkerPausedNotice compact lastSeenAt={presence.lastSeenAt} timeZone={presence.timeZone} />
      ) : null}
      {status === 'draft' && timeZone ? (
        <div style={spaced}>
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
            <PanelButton kind="subtle" onClick={() => setWhen(toLocalInput(nextThursdayMorning(timeZone), timeZone))}>
              Next Thursday 08:00
            </PanelButton>
            <PanelButton kind="subtle" onClick={() => setWhen(toLocalInput(new Date(Date.now() + 60 * 60_000), timeZone))}>
              In an hour
            </PanelButton>
          </div>
          <div style={row}>
            <PanelButton kind="primary" disabled={busy} onClick={schedule}>
              Schedule send
            </PanelButton>
            <PanelButton disabled={busy} onClick={() => void askFirst('now')}>
              Send now
            </PanelButton>
          </div>
        </div>
      ) : null}

      {status === 'scheduled' ? (
        <div style={spaced}>
          <p style={{ margin: '0 0 calc(var(--base) * 0.5)' }} data-testid="newsletter-scheduled-for">
            Sends {formatWhen(sendAt, timeZone ?? undefined) || 'now'}
            {sendAt ? ` (${relativeTime(sendAt)})` : ''}.
          </p>
          <div style={row}>
            <PanelButton disabled={busy} onClick={() => void saveWith({ status: 'draft' })}>
              Back to draft
            </PanelButton>
            {showProgress ? null : (
              <PanelButton disabled={busy} onClick={onCancelSending}>
                Cancel sending
              </PanelButton>
            )}
          </div>
        </div>
      ) : null}

      <ConfirmationModal
        modalSlug={CONFIRM_MODAL}
        heading={heading}
        body={
          <div data-testid="newsletter-confirm-send">
            <p style={noMargin}>
              {pending?.topics ? 'Those interested in the chosen conditions, and those who chose no topics (they want everything). ' : ''}
              {pending?.at === 'now'
                ? 'It starts going out within a few seconds. You can pause or cancel it while it sends, but a message already sent cannot be taken back.'
                : 'Counted now: whoever is confirmed when it starts gets it. Until then you can take it back to draft or cancel it.'}
            </p>
            {pending?.recipients === 0 ? <p style={{ margin: '8px 0 0' }}>Nobody is in this audience yet, so nobody would get it.</p> : null}
            {workerMissing ? <p style={{ margin: '8px 0 0' }}>No worker is running right now: it goes out once one runs.</p> : null}
          </div>
        }
        confirmLabel={pending?.at === 'now' ? 'Send now' : 'Schedule send'}
        cancelLabel="Not yet"
        onCancel={() => setPending(null)}
        onConfirm={confirm}
      />
    </>
  )
}
