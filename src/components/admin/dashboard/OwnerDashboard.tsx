import type { Payload } from 'payload'
import React from 'react'

import { isStaffUser } from '../../../access/isStaff'
import { loadOwnerDashboard, type NewsletterSummary, type OwnerDashboardData } from '../../../dashboard/loadOwnerDashboard'
import { formatClinicDay, formatClinicTime } from '../../../utilities/clinicTime'
import { Card, describeAgo, Figure, Figures, Muted } from './cards'
import { ScheduledChanges } from './ScheduledChanges'

type Props = { payload: Payload; user?: unknown }

const STATUS_WORDS: Partial<Record<NewsletterSummary['status'], string>> = {
  sending: 'Sending now',
  paused: 'Paused',
  sent: 'Sent',
  failed: 'Failed',
  scheduled: 'Scheduled',
}

const Attention = ({ items }: { items: OwnerDashboardData['attention'] }) => (
  <Card id="dashboard-attention" title="Needs attention">
    {items.length === 0 ? (
      <Muted>Nothing needs attention: the worker is running and nothing has failed.</Muted>
    ) : (
      <ul style={{ margin: 0, paddingLeft: '1.2em' }}>
        {items.map((item, index) => (
          <li key={`${item.kind}-${index}`} data-attention={item.kind} style={{ marginBottom: 'calc(var(--base) * 0.25)' }}>
            <strong style={{ color: 'var(--theme-error-600)' }}>{item.href ? <a href={item.href}>{item.title}</a> : item.title}</strong>
            {item.detail ? <div style={{ color: 'var(--theme-elevation-700)' }}>{item.detail}</div> : null}
          </li>
        ))}
      </ul>
    )}
  </Card>
)

const Newsletters = ({ data, adminRoute }: { data: OwnerDashboardData; adminRoute: string }) => {
  const { last, next } = data.newsletters
  return (
    <Card id="dashboard-newsletters" title="Newsletters">
      {last ? (
        <div data-newsletter="last">
          <p style={{ margin: '0 0 calc(var(--base) * 0.25)' }}>
            Last: <a href={last.href}>{last.subject}</a> · {STATUS_WORDS[last.status] ?? last.status}
            {last.at ? `, ${formatClinicTime(last.at, data.timeZone)}` : ''}
          </p>
          <Figures>
            <Figure name="sent" value={last.counts.sent} label={`sent of ${last.counts.recipients.toLocaleString('en-US')}`} />
            <Figure name="bounced" value={last.counts.bounced} label="bounced" />
            <Figure name="unsubscribed" value={last.unsubscribedSince ?? 0} label="unsubscribed since" />
            {last.counts.failed ? <Figure name="failed" value={last.counts.failed} label="failed" /> : null}
          </Figures>
        </div>
      ) : (
        <Muted>No newsletter has gone out yet.</Muted>
      )}
      <p data-newsletter="next" style={{ margin: 'calc(var(--base) * 0.5) 0 0' }}>
        {next ? (
          <>
            Next: <a href={next.href}>{next.subject}</a>, {formatClinicTime(next.at, data.timeZone)}
          </>
        ) : (
          <>
            Nothing scheduled. <a href={`${adminRoute}/collections/newsletters/create`}>Write a newsletter</a>
          </>
        )}
      </p>
    </Card>
  )
}

const Subscribers = ({ data, adminRoute }: { data: OwnerDashboardData; adminRoute: string }) => (
  <Card id="dashboard-subscribers" title="Subscribers">
    <Figures>
      <Figure name="confirmed" value={data.subscribers.confirmed} label="confirmed" />
      <Figure name="pending" value={data.subscribers.pending} label="waiting to confirm" />
      <Figure name="new-this-week" value={data.subscribers.newThisWeek} label="new this week" />
    </Figures>
    <Muted>
      “This week” is since {formatClinicDay(data.subscribers.weekStart, data.timeZone)}.{' '}
      <a href={`${adminRoute}/collections/subscribers`}>All subscribers</a>
    </Muted>
  </Card>
)

const Drafts = ({ data }: { data: OwnerDashboardData }) => (
  <Card id="dashboard-drafts" title={`Drafts in progress (${data.drafts.total})`}>
    {data.drafts.recent.length === 0 ? (
      <Muted>No drafts: everything written is published.</Muted>
    ) : (
      <ul style={{ margin: 0, paddingLeft: '1.2em' }}>
        {data.drafts.recent.map((draft) => (
          <li key={draft.href} data-draft="">
            <a href={draft.href}>{draft.title}</a>{' '}
            <small style={{ color: 'var(--theme-elevation-600)' }}>
              ({draft.collectionLabel}
              {draft.live ? ', published with unpublished changes' : ''}, edited {describeAgo(draft.updatedAt, Date.parse(data.generatedAt))})
            </small>
          </li>
        ))}
      </ul>
    )}
  </Card>
)

/**
 * The top of the admin's dashboard (admin.components.beforeDashboard): what the owner needs
 * at a glance, rendered on the server from one loader (src/dashboard), so it is in the
 * page's HTML — no client requests.
 */
export const OwnerDashboard = async ({ payload, user }: Props) => {
  if (!isStaffUser(user)) return null
  const data = await loadOwnerDashboard(payload)
  const adminRoute = payload.config.routes.admin
  return (
    <div data-owner-dashboard="" style={{ marginBottom: 'calc(var(--base) * 2)' }}>
      <h2 style={{ margin: '0 0 var(--base)' }}>At a glance</h2>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(18rem, 1fr))', gap: 'var(--base)' }}>
        <Attention items={data.attention} />
        <Newsletters data={data} adminRoute={adminRoute} />
        <Subscribers data={data} adminRoute={adminRoute} />
        <Drafts data={data} />
      </div>
      <ScheduledChanges payload={payload} schedule={data.schedule} timeZone={data.timeZone} />
    </div>
  )
}
