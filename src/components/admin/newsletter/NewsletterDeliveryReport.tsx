'use client'

import { useDocumentInfo, useFormFields } from '@payloadcms/ui'
import React, { useEffect, useState } from 'react'

import { errorMessage, formatWhen, type NewsletterStatus, numberOr0 } from './shared'
import { useClinicTimeZone } from './useClinicTimeZone'
import { TableHead } from '../TableHead'

type Delivery = {
  id: number | string
  email: string
  status: 'failed' | 'bounced' | 'complained' | 'unknown'
  attempts?: number | null
  lastError?: string | null
  smtpResponse?: string | null
  sentAt?: string | null
  updatedAt?: string
}

const SHOWN_STATUSES: NewsletterStatus[] = ['sending', 'paused', 'sent', 'cancelled', 'failed']
const LIMIT = 200

const cell: React.CSSProperties = { padding: '6px 8px', borderBottom: '1px solid var(--theme-elevation-100)', textAlign: 'left', verticalAlign: 'top' }

const COUNT_LABELS = [
  ['recipients', 'Recipients'],
  ['sent', 'Sent'],
  ['failed', 'Failed'],
  ['bounced', 'Bounced'],
  ['complained', 'Marked as spam'],
  ['unknown', 'Unknown'],
  ['skipped', 'Skipped'],
] as const

/**
 * What the send did, from the pipeline's fields (which the compose form does not draw): the
 * counts, when it started and finished on the clinic's clock, and the sender's note.
 */
const SendSummary: React.FC = () => {
  const timeZone = useClinicTimeZone() ?? undefined
  const counts = useFormFields(([fields]) => COUNT_LABELS.map(([key]) => numberOr0(fields[`counts.${key}`]?.value)).join(','))
  const startedAt = useFormFields(([fields]) => fields.startedAt?.value as string | null | undefined)
  const finishedAt = useFormFields(([fields]) => fields.finishedAt?.value as string | null | undefined)
  const note = useFormFields(([fields]) => fields.note?.value as string | null | undefined)
  const values = counts.split(',').map(Number)
  return (
    <div data-testid="newsletter-send-summary" style={{ margin: '0 0 calc(var(--base) * 1)' }}>
      <dl style={{ display: 'grid', gridTemplateColumns: 'repeat(7, minmax(0, 1fr))', gap: '4px 12px', margin: '0 0 8px' }}>
        {COUNT_LABELS.map(([key, label], index) => (
          <div key={key}>
            <dt style={{ color: 'var(--theme-elevation-600)', fontSize: 13 }}>{label}</dt>
            <dd style={{ margin: 0, fontSize: 20, fontVariantNumeric: 'tabular-nums' }} data-summary={key}>
              {values[index]}
            </dd>
          </div>
        ))}
      </dl>
      {startedAt ? <p style={{ margin: '4px 0' }}>Started {formatWhen(startedAt, timeZone)}{finishedAt ? `, finished ${formatWhen(finishedAt, timeZone)}` : ''}.</p> : null}
      {note ? (
        <p role="note" style={{ margin: '4px 0', color: 'var(--theme-warning-650, var(--theme-warning-500))' }}>
          {note}
        </p>
      ) : null}
    </div>
  )
}

/**
 * Below the preview once a send has started: what the send did (counts, times, note), then
 * the deliveries that did not end as sent (failed, bounced, or unknown after a crash) with
 * what the SMTP server said. Deliveries are admin-only; editors get a note instead of the
 * list. Nothing of this shows on a draft: there is nothing to report yet.
 */
export const NewsletterDeliveryReport: React.FC = () => {
  const { id } = useDocumentInfo()
  const status = useFormFields(([fields]) => fields.status?.value as NewsletterStatus | undefined)
  // Counts change as the send panel mirrors progress into the form: refresh on each change.
  const problems = useFormFields(([fields]) =>
    ['failed', 'bounced', 'complained', 'unknown'].map((key) => Number(fields[`counts.${key}`]?.value ?? 0)).join(','),
  )
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null)
  const [total, setTotal] = useState(0)
  const [note, setNote] = useState<string | null>(null)
  const timeZone = useClinicTimeZone() ?? undefined

  const visible = Boolean(id && status && SHOWN_STATUSES.includes(status))

  useEffect(() => {
    if (!visible) return
    const controller = new AbortController()
    const query = new URLSearchParams({
      'where[newsletter][equals]': String(id),
      'where[status][in]': 'failed,bounced,complained,unknown',
      depth: '0',
      limit: String(LIMIT),
      sort: 'email',
    })
    fetch(`/api/deliveries?${query}`, { credentials: 'include', signal: controller.signal })
      .then(async (response) => {
        if (response.status === 401 || response.status === 403) {
          setNote('Only admins can see individual deliveries. Ask an admin for the list of failed addresses.')
          setDeliveries(null)
          return
        }
        if (!response.ok) throw new Error(await errorMessage(response, 'Could not load the deliveries'))
        const body = (await response.json()) as { docs: Delivery[]; totalDocs: number }
        setDeliveries(body.docs)
        setTotal(body.totalDocs)
        setNote(null)
      })
      .catch((caught: Error) => {
        if (caught.name !== 'AbortError') setNote(caught.message)
      })
    return () => controller.abort()
  }, [id, visible, status, problems])

  if (!visible) return null

  return (
    <section aria-labelledby="newsletter-report-heading" style={{ margin: 'calc(var(--base) * 1.5) 0' }}>
      <h3 id="newsletter-report-heading" style={{ margin: '0 0 calc(var(--base) * 0.5)' }}>
        Delivery report
      </h3>
      <SendSummary />
      <section aria-labelledby="newsletter-failures-heading">
        <h4 id="newsletter-failures-heading" style={{ margin: '0 0 calc(var(--base) * 0.5)' }}>
          Failed, bounced, spam-reported and unknown deliveries
        </h4>
        {note ? <p role="note">{note}</p> : null}
        {deliveries && deliveries.length === 0 ? <p data-testid="no-failed-deliveries">None: every recipient handled so far was sent to.</p> : null}
        {deliveries && deliveries.length > 0 ? (
          <>
            <p style={{ margin: '0 0 calc(var(--base) * 0.5)', color: 'var(--theme-elevation-600)' }}>
              Unknown means the message was in flight when the sender stopped: it may or may not have arrived, so it is not resent automatically.
              {total > deliveries.length ? ` Showing ${deliveries.length} of ${total}.` : ''}
            </p>
            <div style={{ overflowX: 'auto' }}>
              <table style={{ width: '100%', borderCollapse: 'collapse', fontSize: 13 }}>
                <TableHead columns={['Email', 'Status', 'Attempts', 'SMTP response / error', 'Last change']} cellStyle={cell} />
                <tbody>
                  {deliveries.map((delivery) => (
                    <tr key={delivery.id}>
                      <td style={cell}>{delivery.email}</td>
                      <td style={cell}>{delivery.status}</td>
                      <td style={cell}>{delivery.attempts ?? 0}</td>
                      <td style={{ ...cell, fontFamily: 'var(--font-mono, monospace)', wordBreak: 'break-word' }}>{delivery.smtpResponse || delivery.lastError || '—'}</td>
                      <td style={cell}>{formatWhen(delivery.updatedAt, timeZone)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
      </section>
    </section>
  )
}
