import type { Payload, Where } from 'payload'

import { findWorkerPresence } from '../../jobs/heartbeat/store'
import { SCHEDULE_TASK } from '../../jobs/scheduling/config'
import { loadMonitoringConfig, type MonitoringConfig } from '../monitoring/config'
import { readSmtpStatus } from './smtpStatus'

export type HealthStatus = 'ok' | 'degraded' | 'down'
export type OverduePipeline = 'scheduling' | 'newsletters' | 'webhooks'

/** `GET /api/health`'s body. Counts and times only: nothing about people or content. */
export type HealthReport = {
  status: HealthStatus
  checks: {
    database: { status: 'ok' | 'down' }
    workers: { status: 'ok' | 'missing' | 'unknown'; count: number; lastSeenAt: string | null }
    pipelines: { status: 'ok' | 'overdue' | 'unknown'; overdue: OverduePipeline[] }
    email: { status: 'ok' | 'failing' | 'unknown'; lastAttemptAt: string | null }
  }
}

const iso = (ms: number) => new Date(ms).toISOString()

/** True when the collection has a row matching `where`: one indexed read of one id. */
const exists = async (payload: Payload, collection: 'payload-jobs' | 'newsletters' | 'webhook-deliveries', where: Where) => {
  const { docs } = await payload.db.find({ collection, where, limit: 1, pagination: false, select: { id: true } })
  return docs.length > 0
}

/**
 * Work that should have started more than `overdueMs` ago and has not: nothing (no worker,
 * or a stuck one) is doing it. A running claim whose lease ran out that long ago counts too.
 */
export const findOverduePipelines = async (payload: Payload, overdueMs: number, now = Date.now()): Promise<OverduePipeline[]> => {
  const before = iso(now - overdueMs)
  const [scheduling, newsletters, webhooks] = await Promise.all([
    exists(payload, 'payload-jobs', {
      and: [
        { taskSlug: { equals: SCHEDULE_TASK } },
        {
          or: [
            { and: [{ state: { equals: 'queued' } }, { waitUntil: { less_than: before } }] },
            { and: [{ state: { equals: 'running' } }, { leaseExpiresAt: { less_than: before } }] },
          ],
        },
      ],
    }),
    exists(payload, 'newsletters', {
      or: [
        { and: [{ status: { equals: 'scheduled' } }, { sendAt: { less_than: before } }] },
        { and: [{ status: { equals: 'sending' } }, { leaseExpiresAt: { less_than: before } }] },
      ],
    }),
    exists(payload, 'webhook-deliveries', {
      or: [
        { and: [{ status: { equals: 'queued' } }, { nextAttemptAt: { less_than: before } }] },
        { and: [{ status: { equals: 'sending' } }, { leaseExpiresAt: { less_than: before } }] },
      ],
    }),
  ])
  return (
    [
      ['scheduling', scheduling],
      ['newsletters', newsletters],
      ['webhooks', webhooks],
    ] as const
  )
    .filter(([, overdue]) => overdue)
    .map(([name]) => name)
}

class HealthTimeout extends Error {}

const withDeadline = <T>(work: Promise<T>, ms: number) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new HealthTimeout(`The database did not answer within ${ms} ms.`)), ms)
    work.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })

/**
 * The health report: a handful of indexed reads (who is alive, three "anything overdue?"
 * probes, the last SMTP outcome). `down` (HTTP 503) only when the database cannot be read
 * in time; `degraded` when no worker is alive, work is overdue or the last SMTP attempt failed.
 */
export const checkHealth = async (
  payload: Payload,
  config: MonitoringConfig = loadMonitoringConfig(),
  now = Date.now(),
): Promise<{ report: HealthReport; error?: unknown }> => {
  try {
    const [presence, overdue, smtp] = await withDeadline(
      Promise.all([findWorkerPresence(payload, config.staleMs, now), findOverduePipelines(payload, config.overdueMs, now), readSmtpStatus(payload)]),
      config.healthTimeoutMs,
    )
    const workers = { status: presence.alive.length ? ('ok' as const) : ('missing' as const), count: presence.alive.length, lastSeenAt: presence.lastSeenAt }
    const email = { status: !smtp ? ('unknown' as const) : smtp.ok ? ('ok' as const) : ('failing' as const), lastAttemptAt: smtp ? iso(smtp.at) : null }
    const degraded = workers.status !== 'ok' || overdue.length > 0 || email.status === 'failing'
    return {
      report: {
        status: degraded ? 'degraded' : 'ok',
        checks: {
          database: { status: 'ok' },
          workers,
          pipelines: { status: overdue.length ? 'overdue' : 'ok', overdue },
          email,
        },
      },
    }
  } catch (error) {
    return {
      error,
      report: {
        status: 'down',
        checks: {
          database: { status: 'down' },
          workers: { status: 'unknown', count: 0, lastSeenAt: null },
          pipelines: { status: 'unknown', overdue: [] },
          email: { status: 'unknown', lastAttemptAt: null },
        },
      },
    }
  }
}
