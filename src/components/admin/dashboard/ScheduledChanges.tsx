import type { Payload } from 'payload'
import React from 'react'

import { collectionLabel, documentAdminPath, refKey } from '../../../../jobs/scheduling/documents'
import type { OwnerDashboardData } from '../../../dashboard/loadOwnerDashboard'
import { formatClinicTime } from '../../../utilities/clinicTime'
import { actionLabel, describeStatus, TONE_COLOURS } from '../scheduling/describeChange'
import { TableHead } from '../TableHead'

type Props = { payload: Payload; schedule: OwnerDashboardData['schedule']; timeZone: string }

/**
 * What is about to be published or unpublished, what failed, and what recently found
 * nothing to do, in the clinic's timezone. Reads the same jobs the worker runs, so it shows
 * the truth; worded like the "Scheduled changes" list (describeChange.ts).
 */
export const ScheduledChanges = ({ payload, schedule: { changes, titles }, timeZone }: Props) => {
  const listPath = `${payload.config.routes.admin}/collections/payload-jobs`
  return (
    <section style={{ marginTop: 'calc(var(--base) * 2)' }} aria-labelledby="upcoming-schedule-heading">
      <h2 id="upcoming-schedule-heading" style={{ marginBottom: 'var(--base)' }}>
        Scheduled changes
      </h2>
      {changes.length === 0 ? (
        <p>Nothing is scheduled. Use “Schedule” in the publish menu of any article, condition, service or FAQ.</p>
      ) : (
        <table style={{ width: '100%', borderCollapse: 'collapse' }}>
          <TableHead columns={[`When (${timeZone})`, 'Change', 'Document', 'Status']} rowStyle={{ textAlign: 'left' }} />
          <tbody>
            {changes.map((change) => {
              const title = change.ref ? titles[refKey(change.ref)] : undefined
              const status = describeStatus(change, timeZone)
              return (
                <tr key={change.id} style={{ borderTop: '1px solid var(--theme-elevation-100)', verticalAlign: 'top' }}>
                  <td>{formatClinicTime(change.at, timeZone)}</td>
                  <td>
                    <a href={`${listPath}/${encodeURIComponent(String(change.id))}`}>{actionLabel(change.action)}</a>
                  </td>
                  <td>
                    {change.ref && title !== undefined ? (
                      <a href={documentAdminPath(payload, change.ref)}>{title}</a>
                    ) : (
                      <em>Deleted document</em>
                    )}{' '}
                    {change.ref ? <small>({collectionLabel(payload, change.ref.relationTo)})</small> : null}
                  </td>
                  <td>
                    <strong style={{ color: TONE_COLOURS[status.tone] }}>{status.label}</strong>
                    {status.detail ? <div style={{ color: 'var(--theme-elevation-600)' }}>{status.detail}</div> : null}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
      <p style={{ marginTop: 'var(--base)' }}>
        <a href={listPath}>All scheduled changes</a>
      </p>
    </section>
  )
}
