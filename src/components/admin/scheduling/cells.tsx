import type { DefaultServerCellComponentProps } from 'payload'
import React from 'react'

import { documentAdminPath } from '../../../../jobs/scheduling/documents'
import { formatClinicTime } from '../../../utilities/clinicTime'
import { actionLabel, describeStatus, readChange, TONE_COLOURS } from './describeChange'
import { clinicTimeZoneFor, documentTitleFor } from './lookups'

/**
 * The "Scheduled changes" list's cells (server components, one per column): the document
 * by title, linked to its edit page; the change; the time in the clinic's zone; the status
 * in words. Text wraps, so the table fits a 1366 px screen.
 */

const wrap: React.CSSProperties = { whiteSpace: 'normal', overflowWrap: 'anywhere', minWidth: 0 }
const secondary: React.CSSProperties = { display: 'block', color: 'var(--theme-elevation-500)', fontSize: '0.85em' }

export const DocumentCell = async ({ rowData, payload }: DefaultServerCellComponentProps) => {
  const { ref } = readChange(rowData)
  if (!ref) return <span style={wrap}>No document</span>
  const { title, label, exists } = await documentTitleFor(payload, ref.relationTo, String(ref.value))
  return (
    <span style={{ ...wrap, display: 'block', maxWidth: '30rem' }} data-scheduled-document>
      {exists ? <a href={documentAdminPath(payload, ref)}>{title}</a> : <em>{title}</em>}
      <span style={secondary}>{label}</span>
    </span>
  )
}

/** The change, linked to its own page (what happened, in full). */
export const ActionCell = ({ rowData, payload }: DefaultServerCellComponentProps) => {
  const change = readChange(rowData)
  return (
    <a href={`${payload.config.routes.admin}/collections/payload-jobs/${encodeURIComponent(String(change.id))}`} data-scheduled-action>
      {actionLabel(change.action)}
    </a>
  )
}

export const WhenCell = async ({ rowData, payload }: DefaultServerCellComponentProps) => {
  const change = readChange(rowData)
  const timeZone = await clinicTimeZoneFor(payload)
  return (
    <span style={wrap} data-scheduled-when={change.at ?? ''} title={timeZone}>
      {formatClinicTime(change.at, timeZone) || 'No time'}
    </span>
  )
}

export const StatusCell = async ({ rowData, payload }: DefaultServerCellComponentProps) => {
  const change = readChange(rowData)
  const status = describeStatus(change, await clinicTimeZoneFor(payload))
  return (
    <span style={{ ...wrap, display: 'block', maxWidth: '26rem' }} data-scheduled-status>
      <strong style={{ color: TONE_COLOURS[status.tone] }}>{status.label}</strong>
      {status.detail ? <span style={secondary}>{status.detail}</span> : null}
    </span>
  )
}
