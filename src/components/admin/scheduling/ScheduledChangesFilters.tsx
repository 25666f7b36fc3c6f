import type { Payload } from 'payload'
import React from 'react'

/**
 * Quick views above the "Scheduled changes" table: what is coming up (in calendar order),
 * what needs a look (failed, late, or found nothing to do), everything (newest first).
 * Plain links to Payload's own list with a `where` and `sort`, so its filters, paging and
 * bulk delete keep working.
 */

const query = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`

export const ScheduledChangesFilters = ({ payload }: { payload: Payload }) => {
  const base = `${payload.config.routes.admin}/collections/payload-jobs`
  const lateSince = new Date(Date.now() - 60_000).toISOString()
  const views = [
    {
      label: 'Coming up',
      href: query({ 'where[or][0][and][0][state][in][0]': 'queued', 'where[or][0][and][0][state][in][1]': 'running', sort: 'scheduledFor' }),
    },
    {
      label: 'Needs attention',
      href: query({
        'where[or][0][and][0][state][equals]': 'failed',
        'where[or][1][and][0][note][exists]': 'true',
        'where[or][2][and][0][state][equals]': 'queued',
        'where[or][2][and][1][scheduledFor][less_than]': lateSince,
        sort: '-scheduledFor',
      }),
    },
    { label: 'All, newest first', href: query({ sort: '-scheduledFor' }) },
  ]
  return (
    <nav aria-label="Quick views" style={{ display: 'flex', gap: 'var(--base)', flexWrap: 'wrap', marginBottom: 'var(--base)' }} data-scheduled-quick-views>
      <span style={{ color: 'var(--theme-elevation-500)' }}>Show:</span>
      {views.map((view) => (
        <a key={view.label} href={`${base}${view.href}`}>
          {view.label}
        </a>
      ))}
    </nav>
  )
}
