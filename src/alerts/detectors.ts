import type { Payload } from 'payload'

import { findWorkerPresence } from '../../jobs/heartbeat/store'
import { SCHEDULE_TASK } from '../../jobs/scheduling/config'
import type { Alert, Newsletter, WebhookDelivery } from '../../payload-types'
import { workerPausedSentence, WORKER_NOTICE_ACTION } from '../health/workerNotice'
import type { MonitoringConfig } from '../monitoring/config'
import { getServerUrl } from '../utilities/serverUrl'
import { attemptsOf, JOBS_COLLECTION, nextRunSince, ofTask, plannedFor } from '../seams/jobsCollection'
import { alertKey, type Problem } from './store'

/**
 * What is wrong right now, one detector per alert kind. Each returns the problems it sees;
 * an open incident it no longer returns is resolved. Detectors whose scan looks back a
 * bounded time also re-check the subjects of open incidents by id, so an incident never
 * "resolves" just because it grew old.
 */
export type DetectContext = {
  payload: Payload
  config: MonitoringConfig
  now: number
  /** When this process's watchdog started: "missing since" when no worker was ever seen. */
  watchingSince: number
  open: Alert[]
  timeZone: string
  /** Filled by the worker detector, for the metrics. */
  workersAlive?: number
}

const iso = (ms: number) => new Date(ms).toISOString()
const LOOKBACK_MS = 7 * 24 * 60 * 60_000
const adminUrl = (path: string) => `${getServerUrl()}/admin${path}`
const openSubjects = (context: DetectContext, kind: Alert['kind']) =>
  context.open.filter((alert) => alert.kind === kind && alert.subject).map((alert) => alert.subject as string)

const workerMissing = async (context: DetectContext): Promise<Problem[]> => {
  const { payload, config, now } = context
  const presence = await findWorkerPresence(payload, config.staleMs, now)
  context.workersAlive = presence.alive.length
  if (presence.alive.length) return []
  const since = presence.lastSeenAt ? Date.parse(presence.lastSeenAt) : context.watchingSince
  // Once open, it stays open until a worker is back (an app restart must not "resolve" it).
  const alreadyOpen = openSubjects(context, 'worker-missing').length > 0
  if (!alreadyOpen && now - since < config.workerMissingMs) return []
  return [
    {
      kind: 'worker-missing',
      subject: 'workers',
      title: presence.lastSeenAt ? 'No worker is running: scheduled publishing and newsletters are paused' : 'No worker has ever run: scheduled publishing and newsletters are paused',
      detail: `${workerPausedSentence(presence.lastSeenAt, context.timeZone, new Date(now))}\nNothing is published on schedule, no newsletter is sent and no webhook is posted until a worker runs. ${WORKER_NOTICE_ACTION}`,
    },
  ]
}

const scheduleFailed = async (context: DetectContext): Promise<Problem[]> => {
  const { payload, now } = context
  const reopen = openSubjects(context, 'schedule-failed')
  const { docs } = await payload.db.find({
    collection: JOBS_COLLECTION,
    where: {
      and: [
        ofTask(SCHEDULE_TASK),
        { state: { equals: 'failed' } },
        { or: [nextRunSince(iso(now - LOOKBACK_MS)), ...(reopen.length ? [{ id: { in: reopen } }] : [])] },
      ],
    },
    limit: 200,
    pagination: false,
  })
  return (docs as Array<Record<string, any>>).map((job) => {
    const action = job.input?.type === 'unpublish' ? 'unpublish' : 'publish'
    const target = job.input?.doc ? `${job.input.doc.relationTo} #${job.input.doc.value}` : 'a document'
    return {
      kind: 'schedule-failed' as const,
      subject: String(job.id),
      title: `A scheduled ${action} of ${target} failed`,
      detail: `Planned for ${plannedFor(job)}; it was tried ${attemptsOf(job) ?? 1} time(s) and given up.\nLast error: ${job.lastError ?? 'unknown'}\nSee ${adminUrl(`/collections/payload-jobs/${job.id}`)}; schedule it again once the cause is fixed.`,
    }
  })
}

const newsletterTrouble = async ({ payload, now, open }: DetectContext): Promise<Problem[]> => {
  const reopen = open.filter((alert) => (alert.kind === 'newsletter-paused' || alert.kind === 'newsletter-failed') && alert.subject).map((alert) => alert.subject as string)
  const { docs } = await payload.db.find({
    collection: 'newsletters',
    where: {
      or: [
        { status: { equals: 'paused' } },
        { and: [{ status: { equals: 'failed' } }, { or: [{ finishedAt: { greater_than_equal: iso(now - LOOKBACK_MS) } }, ...(reopen.length ? [{ id: { in: reopen } }] : [])] }] },
      ],
    },
    limit: 200,
    pagination: false,
    select: { subject: true, status: true, note: true, leaseOwner: true },
  })
  return (docs as unknown as Newsletter[]).map((newsletter) => {
    const paused = newsletter.status === 'paused'
    return {
      kind: paused ? ('newsletter-paused' as const) : ('newsletter-failed' as const),
      subject: String(newsletter.id),
      title: `Newsletter "${newsletter.subject}" ${paused ? 'is paused' : 'failed'}`,
      detail: `${newsletter.note ?? (paused ? 'Paused.' : 'Every delivery failed.')}\nSee ${adminUrl(`/collections/newsletters/${newsletter.id}`)}${paused ? ': resume or cancel it there.' : ': retry the failed recipients there.'}`,
    }
  })
}

/**
 * A webhook target is failing when, since its last successful delivery, it has accepted
 * nothing, and the oldest delivery it has failed since then was created more than
 * ALERT_WEBHOOK_FAILING_MS ago. A later success (even of another document) clears it.
 */
const webhookFailing = async ({ payload, config, now, open }: DetectContext): Promise<Problem[]> => {
  const failing = { status: { in: ['queued', 'sending', 'failed'] } }
  const { docs } = await payload.db.find({
    collection: 'webhook-deliveries',
    where: {
      and: [
        failing,
        { attempts: { greater_than_equal: 1 } },
        { createdAt: { less_than_equal: iso(now - config.webhookFailingMs) } },
        { createdAt: { greater_than_equal: iso(now - LOOKBACK_MS) } },
      ],
    },
    limit: 500,
    pagination: false,
    select: { webhook: true },
  })
  const ids = new Set([...(docs as unknown as WebhookDelivery[]).map((row) => String(typeof row.webhook === 'object' ? row.webhook.id : row.webhook)), ...open.filter((alert) => alert.kind === 'webhook-failing' && alert.subject).map((alert) => alert.subject as string)])
  const problems: Problem[] = []
  for (const id of ids) {
    const webhook = (await payload.db.findOne({ collection: 'webhooks', where: { id: { equals: id } } })) as { id: number | string; name: string; url: string; enabled?: boolean | null } | null
    if (!webhook?.enabled) continue
    const { docs: lastSuccess } = await payload.db.find({
      collection: 'webhook-deliveries',
      where: { and: [{ webhook: { equals: webhook.id } }, { status: { equals: 'delivered' } }] },
      sort: '-deliveredAt',
      limit: 1,
      pagination: false,
      select: { deliveredAt: true },
    })
    const succeededAt = (lastSuccess[0] as unknown as WebhookDelivery | undefined)?.deliveredAt
    const { docs: firstFailure } = await payload.db.find({
      collection: 'webhook-deliveries',
      where: {
        and: [{ webhook: { equals: webhook.id } }, failing, { attempts: { greater_than_equal: 1 } }, ...(succeededAt ? [{ createdAt: { greater_than: succeededAt } }] : [])],
      },
      sort: 'createdAt',
      limit: 1,
      pagination: false,
      select: { createdAt: true, lastError: true },
    })
    const first = firstFailure[0] as unknown as WebhookDelivery | undefined
    if (!first || now - Date.parse(first.createdAt) < config.webhookFailingMs) continue
    problems.push({
      kind: 'webhook-failing',
      subject: String(webhook.id),
      title: `Webhook "${webhook.name}" has been failing for more than ${Math.round(config.webhookFailingMs / 60_000)} minutes`,
      detail: `${webhook.url} has accepted no delivery since ${first.createdAt}${succeededAt ? ` (last success ${succeededAt})` : ''}.\nLast error: ${first.lastError ?? 'unknown'}\nSee ${adminUrl('/collections/webhook-deliveries')}; failed deliveries can be retried once the receiver works.`,
    })
  }
  return problems
}

export const DETECTORS = [workerMissing, scheduleFailed, newsletterTrouble, webhookFailing]

/** Every problem now, by key. A detector that throws is logged and its kind's open incidents kept as they are. */
export const detectProblems = async (context: DetectContext): Promise<{ problems: Map<string, Problem>; uncertainKinds: Set<Alert['kind']> }> => {
  const problems = new Map<string, Problem>()
  const uncertainKinds = new Set<Alert['kind']>()
  const kinds: Array<Array<Alert['kind']>> = [['worker-missing'], ['schedule-failed'], ['newsletter-paused', 'newsletter-failed'], ['webhook-failing']]
  for (const [index, detector] of DETECTORS.entries()) {
    try {
      for (const problem of await detector(context)) problems.set(alertKey(problem), problem)
    } catch (error) {
      context.payload.logger.error({ event: 'alerts.detector-failed', detector: detector.name, err: error })
      for (const kind of kinds[index]) uncertainKinds.add(kind)
    }
  }
  return { problems, uncertainKinds }
}
