import { TZDate } from '@date-fns/tz'
import type { Payload, Where } from 'payload'

import { findWorkerPresence } from '../../jobs/heartbeat/store'
import { PUBLISHED_CONTENT_COLLECTIONS, type PublishedContentSlug } from '../../collections/shared/publishedContentSlugs'
import { SCHEDULE_TASK } from '../../jobs/scheduling/config'
import { collectionLabel, loadDocumentTitles, refKey, type DocumentRef } from '../../jobs/scheduling/documents'
import type { Newsletter } from '../../payload-types'
import { readChange, type ChangeFacts } from '../components/admin/scheduling/describeChange'
import { findOverduePipelines, type OverduePipeline } from '../health/checks'
import { loadMonitoringConfig, type MonitoringConfig } from '../monitoring/config'
import { JOBS_COLLECTION, ofTask } from '../seams/jobsCollection'
import { DEFAULT_CLINIC_TIME_ZONE } from '../utilities/clinicTime'

/**
 * What the owner needs at a glance, read in one go for the admin's dashboard (and
 * `GET /api/dashboard`): about twenty small indexed reads in parallel, counts and titles
 * only — no subscriber's address or name leaves here.
 */

export type AttentionItem = {
  kind: 'worker-missing' | 'pipeline-overdue' | 'schedule-failed' | 'newsletter-paused' | 'newsletter-failed' | 'webhook-failing'
  title: string
  detail?: string
  /** Admin path where it can be dealt with. */
  href?: string
}

export type NewsletterSummary = {
  id: number | string
  subject: string
  status: Newsletter['status']
  href: string
  /** `sendAt` for a scheduled one; when it started for one that went out. */
  at: string | null
  finishedAt: string | null
  counts: { recipients: number; sent: number; failed: number; bounced: number; unknown: number }
  /** Subscribers who left the list since this newsletter started going out. */
  unsubscribedSince?: number
}

export type DraftSummary = { collection: string; collectionLabel: string; title: string; href: string; updatedAt: string; live: boolean }

export type OwnerDashboardData = {
  timeZone: string
  generatedAt: string
  workers: { alive: number; lastSeenAt: string | null }
  attention: AttentionItem[]
  /** Queued, running and failed changes, and recent ones that found nothing to do (oldest first). */
  schedule: { changes: ChangeFacts[]; titles: Record<string, string> }
  newsletters: { last: NewsletterSummary | null; next: NewsletterSummary | null }
  subscribers: { confirmed: number; pending: number; newThisWeek: number; weekStart: string }
  drafts: { total: number; recent: DraftSummary[] }
}

/** How long a change that found nothing to do stays on the dashboard. */
const RECENT_NOTE_MS = 7 * 24 * 60 * 60 * 1000
const SCHEDULE_ROWS = 25
const RECENT_DRAFTS = 6
const OVERDUE_LABELS: Record<OverduePipeline, string> = {
  scheduling: 'Scheduled changes are overdue',
  newsletters: 'A newsletter should be sending and is not',
  webhooks: 'Webhook deliveries are overdue',
}

const iso = (ms: number) => new Date(ms).toISOString()

/** Monday 00:00 of the week `now` falls in, on the clinic's clock. */
export const startOfClinicWeek = (now: Date, timeZone: string): Date => {
  const local = new TZDate(now.getTime(), timeZone)
  const daysSinceMonday = (local.getDay() + 6) % 7
  return new Date(new TZDate(local.getFullYear(), local.getMonth(), local.getDate() - daysSinceMonday, 0, 0, 0, 0, timeZone).getTime())
}

const adminPath = (payload: Payload, path: string) => `${payload.config.routes.admin}${path}`

const summariseNewsletter = (payload: Payload, doc: Newsletter): NewsletterSummary => ({
  id: doc.id,
  subject: doc.subject,
  status: doc.status,
  href: adminPath(payload, `/collections/newsletters/${doc.id}`),
  at: (doc.status === 'scheduled' ? doc.sendAt : doc.startedAt ?? doc.sendAt) ?? null,
  finishedAt: doc.finishedAt ?? null,
  counts: {
    recipients: doc.counts?.recipients ?? 0,
    sent: doc.counts?.sent ?? 0,
    failed: doc.counts?.failed ?? 0,
    bounced: doc.counts?.bounced ?? 0,
    unknown: doc.counts?.unknown ?? 0,
  },
})

const NEWSLETTER_SELECT = { subject: true, status: true, sendAt: true, startedAt: true, finishedAt: true, counts: true, note: true } as const

const loadScheduleChanges = async (payload: Payload, now: number) => {
  const { docs } = await payload.db.find<Record<string, unknown>>({
    collection: JOBS_COLLECTION,
    where: {
      and: [
        ofTask(SCHEDULE_TASK),
        {
          or: [
            { state: { in: ['queued', 'running', 'failed'] } },
            { and: [{ note: { exists: true } }, { appliedAt: { greater_than: iso(now - RECENT_NOTE_MS) } }] },
          ],
        },
      ],
    },
    sort: 'scheduledFor',
    limit: SCHEDULE_ROWS,
    pagination: false,
  })
  return docs.map((job) => readChange(job))
}

/** Drafts being worked on: documents whose newest version is a draft (never published, or with unpublished changes). */
const loadDrafts = async (payload: Payload) => {
  const latestDrafts: Where = { and: [{ latest: { equals: true } }, { 'version._status': { equals: 'draft' } }] }
  const perCollection = await Promise.all(
    PUBLISHED_CONTENT_COLLECTIONS.map(async (collection: PublishedContentSlug) => {
      const titleField = payload.collections[collection].config.admin?.useAsTitle ?? 'id'
      const [{ totalDocs }, { docs }] = await Promise.all([
        payload.db.countVersions({ collection, where: latestDrafts }),
        payload.db.findVersions<Record<string, unknown>>({ collection, where: latestDrafts, sort: '-updatedAt', limit: RECENT_DRAFTS, pagination: false }),
      ])
      return { collection, titleField, totalDocs, versions: docs }
    }),
  )
  const recent = perCollection
    .flatMap(({ collection, titleField, versions }) =>
      versions.map((version) => ({ collection, parent: version.parent as number | string, title: version.version?.[titleField], updatedAt: String(version.updatedAt) })),
    )
    .sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt))
    .slice(0, RECENT_DRAFTS)
  // Which of them are live (published, with a newer draft waiting): one read per collection shown.
  const live = new Set<string>()
  await Promise.all(
    [...new Set(recent.map((draft) => draft.collection))].map(async (collection) => {
      const ids = recent.filter((draft) => draft.collection === collection).map((draft) => draft.parent)
      const { docs } = await payload.db.find<Record<string, unknown>>({
        collection,
        where: { and: [{ id: { in: ids } }, { _status: { equals: 'published' } }] },
        limit: 0,
        pagination: false,
        select: { id: true },
      })
      for (const doc of docs) live.add(`${collection}:${doc.id}`)
    }),
  )
  return {
    total: perCollection.reduce((sum, { totalDocs }) => sum + totalDocs, 0),
    recent: recent.map((draft): DraftSummary => {
      const label = collectionLabel(payload, draft.collection)
      return {
        collection: draft.collection,
        collectionLabel: label,
        title: typeof draft.title === 'string' && draft.title.trim() ? draft.title : `Untitled ${label.toLowerCase()}`,
        href: adminPath(payload, `/collections/${draft.collection}/${encodeURIComponent(String(draft.parent))}`),
        updatedAt: draft.updatedAt,
        live: live.has(`${draft.collection}:${draft.parent}`),
      }
    }),
  }
}

const loadNewsletters = async (payload: Payload) => {
  const [{ docs: started }, { docs: scheduled }, { docs: stuck }] = await Promise.all([
    payload.db.find({
      collection: 'newsletters',
      where: { status: { in: ['sending', 'paused', 'sent', 'failed'] } },
      sort: '-startedAt',
      limit: 1,
      pagination: false,
      select: NEWSLETTER_SELECT,
    }),
    payload.db.find({ collection: 'newsletters', where: { status: { equals: 'scheduled' } }, sort: 'sendAt', limit: 1, pagination: false, select: NEWSLETTER_SELECT }),
    payload.db.find({ collection: 'newsletters', where: { status: { in: ['paused', 'failed'] } }, sort: '-updatedAt', limit: 10, pagination: false, select: NEWSLETTER_SELECT }),
  ])
  const last = started[0] ? summariseNewsletter(payload, started[0] as unknown as Newsletter) : null
  if (last?.at) {
    last.unsubscribedSince = (
      await payload.db.count({ collection: 'subscribers', where: { and: [{ status: { equals: 'unsubscribed' } }, { unsubscribedAt: { greater_than_equal: last.at } }] } })
    ).totalDocs
  }
  return {
    last,
    next: scheduled[0] ? summariseNewsletter(payload, scheduled[0] as unknown as Newsletter) : null,
    stuck: (stuck as unknown as Newsletter[]).map((doc) => ({ ...summariseNewsletter(payload, doc), note: doc.note ?? null })),
  }
}

const loadSubscriberCounts = async (payload: Payload, weekStart: Date) => {
  const count = async (where: Where) => (await payload.db.count({ collection: 'subscribers', where })).totalDocs
  const [confirmed, pending, newThisWeek] = await Promise.all([
    count({ status: { equals: 'confirmed' } }),
    count({ status: { equals: 'pending' } }),
    count({ createdAt: { greater_than_equal: weekStart.toISOString() } }),
  ])
  return { confirmed, pending, newThisWeek, weekStart: weekStart.toISOString() }
}

/** Webhook targets whose failures the watchdog has opened an incident for (failing > an hour). */
const loadFailingWebhooks = async (payload: Payload) => {
  const { docs } = await payload.db.find<Record<string, unknown>>({
    collection: 'alerts',
    where: { and: [{ state: { equals: 'open' } }, { kind: { equals: 'webhook-failing' } }] },
    sort: '-openedAt',
    limit: 10,
    pagination: false,
    select: { title: true, detail: true, subject: true },
  })
  return docs as Array<{ title?: string; detail?: string; subject?: string }>
}

const firstLine = (text: string | null | undefined) => text?.split('\n')[0]?.trim() || undefined

export const loadOwnerDashboard = async (
  payload: Payload,
  { now = new Date(), config = loadMonitoringConfig() }: { now?: Date; config?: MonitoringConfig } = {},
): Promise<OwnerDashboardData> => {
  const clinic = await payload.findGlobal({ slug: 'clinic', depth: 0, overrideAccess: true, select: { timezone: true } })
  const timeZone = clinic?.timezone || DEFAULT_CLINIC_TIME_ZONE
  const [presence, overdue, changes, newsletters, subscribers, drafts, failingWebhooks] = await Promise.all([
    findWorkerPresence(payload, config.staleMs, now.getTime()),
    findOverduePipelines(payload, config.overdueMs, now.getTime()),
    loadScheduleChanges(payload, now.getTime()),
    loadNewsletters(payload),
    loadSubscriberCounts(payload, startOfClinicWeek(now, timeZone)),
    loadDrafts(payload),
    loadFailingWebhooks(payload),
  ])
  const refs = changes.flatMap((change): DocumentRef[] => (change.ref ? [change.ref] : []))
  const titles = await loadDocumentTitles(payload, refs)

  const attention: AttentionItem[] = []
  if (!presence.alive.length) {
    attention.push({ kind: 'worker-missing', title: 'No worker is running', detail: 'Scheduled changes, newsletters and webhooks wait until one runs.' })
  } else {
    // With a worker alive, overdue work means it is stuck, not absent.
    for (const pipeline of overdue) attention.push({ kind: 'pipeline-overdue', title: OVERDUE_LABELS[pipeline], detail: 'A worker is running but has not picked this up for over a minute: check its logs.' })
  }
  for (const change of changes.filter((candidate) => candidate.state === 'failed')) {
    const title = change.ref ? titles.get(refKey(change.ref)) ?? 'a deleted document' : 'a deleted document'
    attention.push({
      kind: 'schedule-failed',
      title: `Scheduled ${change.action} of “${title}” failed`,
      detail: firstLine(change.lastError),
      href: adminPath(payload, `/collections/payload-jobs/${encodeURIComponent(String(change.id))}`),
    })
  }
  for (const newsletter of newsletters.stuck) {
    attention.push({
      kind: newsletter.status === 'failed' ? 'newsletter-failed' : 'newsletter-paused',
      title: `Newsletter “${newsletter.subject}” ${newsletter.status === 'failed' ? 'failed' : 'is paused'}`,
      detail: firstLine(newsletter.note) ?? `${newsletter.counts.sent} of ${newsletter.counts.recipients} sent.`,
      href: newsletter.href,
    })
  }
  for (const alert of failingWebhooks) {
    attention.push({ kind: 'webhook-failing', title: alert.title ?? 'A webhook target is failing', detail: firstLine(alert.detail), href: adminPath(payload, '/collections/webhooks') })
  }

  return {
    timeZone,
    generatedAt: now.toISOString(),
    workers: { alive: presence.alive.length, lastSeenAt: presence.lastSeenAt },
    attention,
    schedule: { changes, titles: Object.fromEntries(titles) },
    newsletters: { last: newsletters.last, next: newsletters.next },
    subscribers,
    drafts,
  }
}
