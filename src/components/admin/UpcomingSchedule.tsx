import type { Payload } from 'payload'
import React from 'react'

import { SCHEDULE_TASK } from '../../../jobs/scheduling/config'

type Props = { payload: Payload }

type Row = {
  id: number | string
  when: string
  action: string
  collection: string
  docId: string
  title: string
  state: string
  lastError?: string | null
}

const TITLE_FIELD: Record<string, string> = { articles: 'title', conditions: 'name', services: 'name', faqs: 'question' }

/**
 * Dashboard panel: what is about to be published or unpublished, and what failed, in the
 * clinic's timezone. Reads the same jobs the worker runs, so it shows the truth.
 */
export const UpcomingSchedule = async ({ payload }: Props) => {
  const [{ docs: jobs }, clinic] = await Promise.all([
    payload.find({
      collection: 'payload-jobs',
      where: { and: [{ taskSlug: { equals: SCHEDULE_TASK } }, { state: { in: ['queued', 'running', 'failed'] } }] },
      sort: 'waitUntil',
      limit: 25,
      depth: 0,
      overrideAccess: true,
    }),
    payload.findGlobal({ slug: 'clinic', depth: 0, overrideAccess: true }),
  ])
  const timeZone = clinic?.timezone || 'America/Chicago'
  const format = new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'medium', timeStyle: 'short' })

  // One query per collection for the titles, not one per row.
  const idsByCollection = new Map<string, Array<string | number>>()
  for (const job of jobs as any[]) {
    const target = job.input?.doc
    if (target) idsByCollection.set(target.relationTo, [...(idsByCollection.get(target.relationTo) ?? []), target.value])
  }
  const titles = new Map<string, string>()
  await Promise.all(
    [...idsByCollection].map(async ([collection, ids]) => {
      const field = TITLE_FIELD[collection] ?? 'id'
      const { docs } = await payload.find({
        collection: collection as 'articles',
        where: { id: { in: ids } },
        draft: true,
        depth: 0,
        limit: ids.length,
        overrideAccess: true,
        select: { [field]: true } as never,
      })
      for (const doc of docs as any[]) titles.set(`${collection}:${doc.id}`, String(doc[field] ?? doc.id))
    }),
  )

  const rows: Row[] = (jobs as any[]).map((job) => ({
    id: job.id,
    when: format.format(new Date(job.scheduledFor ?? job.waitUntil)),
    action: job.input?.type === 'unpublish' ? 'Unpublish' : 'Publish',
    collection: job.input?.doc?.relationTo ?? '?',
    docId: String(job.input?.doc?.value ?? ''),
    title: titles.get(`${job.input?.doc?.relationTo}:${job.input?.doc?.value}`) ?? '(deleted)',
    state: job.state ?? 'queued',
    lastError: job.lastError,
  }))

  return (
    <section style={{ marginTop: 'calc(var(--base) * 2)' }} aria-labelledby="upcoming-schedule-heading">
      <h2 id="upcoming-schedule-heading" style={{ marginBottom: 'var(--base)' }}>
        Scheduled changes
      </h2>
      {rows.length === 0 ? (
        <p>Nothing is scheduled. Use “Schedule” in the publish menu of any article, condition, service or FAQ.</p>
      ) : (
        <table style={{ width: '100%', borderCollapse: 'collapse' }}>
          <thead>
            <tr style={{ textAlign: 'left' }}>
              <th>When ({timeZone})</th>
              <th>Change</th>
              <th>Document</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} style={{ borderTop: '1px solid var(--theme-elevation-100)' }}>
                <td>{row.when}</td>
                <td>{row.action}</td>
                <td>
                  <a href={`/admin/collections/${row.collection}/${row.docId}`}>{row.title}</a>{' '}
                  <small>({row.collection})</small>
                </td>
                <td>
                  {row.state}
                  {row.state === 'failed' && row.lastError ? <div style={{ color: 'var(--theme-error-500)' }}>{row.lastError}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
