'use client'

import { ConfirmationModal, useDocumentInfo, useForm, useFormFields, useModal } from '@payloadcms/ui'
import React, { useState } from 'react'

import type { NewsletterAction } from '../../../../jobs/newsletters/states'
import { DeliverabilityWarnings } from './DeliverabilityWarnings'
import { ScheduleSend } from './ScheduleSend'
import { EMPTY_COUNTS, hasProgress, SendProgress } from './SendProgress'
import { errorMessage, tally, type Counts, type NewsletterStatus } from './shared'
import { TestSend } from './TestSend'
import { box, MessageLine, noMargin, type Message } from './ui'
import { useClinicTimeZone } from './useClinicTimeZone'
import { useProgress } from './useProgress'

const CANCEL_MODAL = 'newsletter-cancel-send'

/**
 * The newsletter's send controls, in the edit view's sidebar: send a test to yourself
 * (TestSend), schedule or send now (ScheduleSend), and, once the worker has started, its
 * progress with pause, resume, cancel and "retry failed recipients only" (SendProgress).
 * This is the only place a newsletter's status changes in the admin: scheduling saves the
 * form with `status: scheduled` so the owner's latest edits go out; every later transition
 * is the pipeline's (its endpoints), and the panel only mirrors the state it reports
 * (useProgress).
 */
export const NewsletterSendPanel: React.FC = () => {
  const { id } = useDocumentInfo()
  const { submit } = useForm()
  const { openModal } = useModal()
  const formStatus = useFormFields(([fields]) => fields.status?.value as NewsletterStatus | undefined) ?? 'draft'
  const timeZone = useClinicTimeZone()
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<Message>(null)
  const { progress, loadProgress, reset } = useProgress({ id, formStatus, onError: (text) => setMessage({ kind: 'error', text }) })

  const status: NewsletterStatus = progress?.status ?? formStatus

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

  const saveWith = (overrides: Record<string, unknown>) =>
    run(async () => {
      reset()
      await submit({ overrides })
    })

  const control = (action: NewsletterAction, done: string) =>
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

  const counts: Counts = progress?.counts ?? EMPTY_COUNTS
  const showProgress = hasProgress(status, counts)
  const cancelSending = () => openModal(CANCEL_MODAL)

  return (
    <div className="newsletter-send-panel" aria-labelledby="newsletter-send-heading">
      <DeliverabilityWarnings />
      <TestSend id={id} busy={busy} setBusy={setBusy} />

      <div style={box}>
        <h4 style={noMargin}>
          Sending: <span data-testid="newsletter-status">{status}</span>
        </h4>
        <ScheduleSend
          status={status}
          timeZone={timeZone}
          busy={busy}
          run={run}
          say={setMessage}
          saveWith={saveWith}
          showProgress={showProgress}
          onCancelSending={cancelSending}
        />
        {showProgress ? (
          <SendProgress status={status} progress={progress} timeZone={timeZone} busy={busy} control={(action, done) => void control(action, done)} onCancelSending={cancelSending} />
        ) : null}
        <MessageLine message={message} />
      </div>
      <ConfirmationModal
        modalSlug={CANCEL_MODAL}
        heading="Cancel this send?"
        body={`Recipients not sent yet will not get it (${tally(counts).remaining} remaining). Those already sent keep their copy. This cannot be undone.`}
        confirmLabel="Cancel sending"
        cancelLabel="Keep sending"
        onConfirm={() => control('cancel', 'Cancelled.')}
      />
    </div>
  )
}
