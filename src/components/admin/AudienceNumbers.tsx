import type { UIFieldServerComponent } from 'payload'
import React from 'react'

import { countAudience, type SubscriberStatus } from '../../subscribers/audienceCounts'
import { clinicTimeZone } from './clinicTime/clinicTimeZone'

const STATUS_ROWS: Array<{ status: SubscriberStatus; label: string; meaning: string }> = [
  { status: 'confirmed', label: 'Confirmed', meaning: 'Confirmed their address: they receive newsletters.' },
  { status: 'pending', label: 'Waiting for confirmation', meaning: 'Signed up but have not clicked the link in the confirmation email yet.' },
  { status: 'unsubscribed', label: 'Unsubscribed', meaning: 'Asked to stop receiving newsletters.' },
  { status: 'bounced', label: 'Bounced', meaning: 'Their mail server refused delivery for good: no more newsletters go to them.' },
  { status: 'complained', label: 'Marked as spam', meaning: 'Reported a newsletter as spam: no more newsletters go to them.' },
]

const cell: React.CSSProperties = { padding: 'calc(var(--base) * 0.4) calc(var(--base) * 0.6)', verticalAlign: 'top' }
const numberCell: React.CSSProperties = { ...cell, textAlign: 'right', fontVariantNumeric: 'tabular-nums', fontWeight: 600 }

/**
 * The top of Audience statistics: the subscribers list counted now, by status, and how many
 * joined this month. Counts only (no names or addresses), under the reader's access rules.
 */
export const AudienceNumbers: UIFieldServerComponent = async ({ payload, req }) => {
  const timeZone = await clinicTimeZone(payload)
  const counts = await countAudience(req, { timeZone })
  const month = new Intl.DateTimeFormat('en-US', { timeZone, month: 'long', day: 'numeric' }).format(counts.monthStart)
  const rows = [
    ...STATUS_ROWS.map(({ status, label, meaning }) => ({ key: status, label, meaning, value: counts.byStatus[status] })),
    { key: 'total', label: 'On the list', meaning: 'Everyone above together.', value: counts.total },
    { key: 'new-this-month', label: 'New this month', meaning: `Added since ${month} (${timeZone}), whatever their status now.`, value: counts.newThisMonth },
  ]
  return (
    <section aria-labelledby="audience-numbers-heading" style={{ marginBottom: 'calc(var(--base) * 2)' }}>
      <h3 id="audience-numbers-heading" style={{ marginBottom: 'calc(var(--base) * 0.5)' }}>
        Subscribers now
      </h3>
      <p style={{ marginBottom: 'var(--base)', color: 'var(--theme-elevation-650)' }}>Counted from the subscribers list each time this page opens.</p>
      <table style={{ borderCollapse: 'collapse', width: '100%', maxWidth: '48rem' }}>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-audience={row.key} style={{ borderTop: '1px solid var(--theme-elevation-100)' }}>
              <th scope="row" style={{ ...cell, textAlign: 'left', fontWeight: 500, whiteSpace: 'nowrap' }}>
                {row.label}
              </th>
              <td style={numberCell}>{row.value}</td>
              <td style={{ ...cell, color: 'var(--theme-elevation-650)' }}>{row.meaning}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
