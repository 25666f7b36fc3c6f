import type { DocumentViewServerProps } from 'payload'
import { Gutter } from '@payloadcms/ui'
import React from 'react'

import { documentAdminPath } from '../../../../jobs/scheduling/documents'
import { formatClinicTime } from '../../../utilities/clinicTime'
import { CancelChangeButton } from './CancelChangeButton'
import { actionLabel, describeLateness, describeStatus, readChange, TONE_COLOURS } from './describeChange'
import { clinicTimeZoneFor, documentTitleFor } from './lookups'

/**
 * A scheduled change's own page: a read-only summary in words instead of Payload's job
 * form (raw input, queue, lease, log). Changes are never edited; a waiting one can be
 * cancelled here.
 */
export const ScheduledChangeView = async ({ doc, payload }: DocumentViewServerProps) => {
  const change = readChange(doc ?? {})
  const timeZone = await clinicTimeZoneFor(payload)
  const document = change.ref ? await documentTitleFor(payload, change.ref.relationTo, String(change.ref.value)) : null
  const status = describeStatus(change, timeZone)
  const rows: Array<[string, React.ReactNode]> = [
    [
      'Document',
      change.ref && document ? (
        <>
          {document.exists ? <a href={documentAdminPath(payload, change.ref)}>{document.title}</a> : <em>{document.title}</em>} ({document.label})
        </>
      ) : (
        'No document'
      ),
    ],
    ['Change', actionLabel(change.action)],
    ['When', `${formatClinicTime(change.at, timeZone)} (${timeZone})`],
    [
      'Status',
      <>
        <strong style={{ color: TONE_COLOURS[status.tone] }}>{status.label}</strong>
        {status.detail ? <> · {status.detail}</> : null}
      </>,
    ],
  ]
  if (change.appliedAt) rows.push(['Applied', `${formatClinicTime(change.appliedAt, timeZone)}${change.latenessMs !== null ? `, ${describeLateness(change.latenessMs)}` : ''}`])
  if (change.attempts > 0) rows.push(['Attempts', String(change.attempts)])
  if (change.chosenTimeZone && change.chosenTimeZone !== timeZone) rows.push(['Chosen in', change.chosenTimeZone])

  const listPath = `${payload.config.routes.admin}/collections/payload-jobs`
  return (
    <Gutter>
      <div style={{ maxWidth: '48rem', paddingBlock: 'calc(var(--base) * 1.5)' }} data-scheduled-change-summary>
        <h2 style={{ marginBottom: 'var(--base)' }}>
          {actionLabel(change.action)} {document ? `“${document.title}”` : ''}
        </h2>
        <dl style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: 'calc(var(--base) * 0.5) calc(var(--base) * 1.5)', margin: 0 }}>
          {rows.map(([term, value]) => (
            <React.Fragment key={term}>
              <dt style={{ color: 'var(--theme-elevation-500)' }}>{term}</dt>
              <dd style={{ margin: 0 }}>{value}</dd>
            </React.Fragment>
          ))}
        </dl>
        <p style={{ marginTop: 'calc(var(--base) * 1.5)', display: 'flex', gap: 'var(--base)', alignItems: 'center' }}>
          {change.state === 'queued' && change.ref ? (
            <CancelChangeButton collection={change.ref.relationTo} documentId={String(change.ref.value)} changeId={String(change.id)} listPath={listPath} />
          ) : null}
          <a href={listPath}>All scheduled changes</a>
        </p>
      </div>
    </Gutter>
  )
}
