import type { Payload } from 'payload'

import type { WorkerHeartbeat } from '../../payload-types'

const HEARTBEATS = 'worker-heartbeats' as const
const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Every read and write of worker heartbeats, in one file (as jobs/scheduling/store.ts),
 * through `payload.db` (one statement each: no hooks, no access checks, no versions).
 */

export type HeartbeatRow = Pick<WorkerHeartbeat, 'workerId' | 'host' | 'pid' | 'version' | 'pipelines' | 'startedAt'>

/** Inserts or refreshes this worker's row: one upsert by its unique `workerId`. */
export const beat = async (payload: Payload, row: HeartbeatRow, now = Date.now()) => {
  await payload.db.upsert({
    collection: HEARTBEATS,
    where: { workerId: { equals: row.workerId } },
    data: { ...row, status: 'running', lastBeatAt: iso(now), stoppedAt: null },
    select: {},
    returning: false,
  })
}

/** A graceful stop: the worker is gone at once, not after WORKER_STALE_MS. */
export const markStopped = async (payload: Payload, workerId: string, now = Date.now()) => {
  await payload.db.updateOne({
    collection: HEARTBEATS,
    where: { workerId: { equals: workerId } },
    data: { status: 'stopped', stoppedAt: iso(now) },
    returning: false,
  })
}

/** Rows of workers gone for longer than `olderThanMs` (restarts leave one each). */
export const pruneHeartbeats = async (payload: Payload, olderThanMs: number, now = Date.now()) => {
  await payload.db.deleteMany({ collection: HEARTBEATS, where: { lastBeatAt: { less_than: iso(now - olderThanMs) } } })
}

export type WorkerPresence = {
  /** Workers running whose last beat is within the stale bound, newest first. */
  alive: WorkerHeartbeat[]
  /** The newest beat of any worker, alive or not; null when no worker was ever seen. */
  lastSeenAt: string | null
}

/** Who is alive: one indexed query, and a second only when nobody is. */
export const findWorkerPresence = async (payload: Payload, staleMs: number, now = Date.now()): Promise<WorkerPresence> => {
  const { docs } = await payload.db.find({
    collection: HEARTBEATS,
    where: { and: [{ status: { equals: 'running' } }, { lastBeatAt: { greater_than_equal: iso(now - staleMs) } }] },
    sort: '-lastBeatAt',
    limit: 100,
    pagination: false,
  })
  const alive = docs as unknown as WorkerHeartbeat[]
  if (alive.length) return { alive, lastSeenAt: alive[0].lastBeatAt }
  const { docs: newest } = await payload.db.find({ collection: HEARTBEATS, sort: '-lastBeatAt', limit: 1, pagination: false })
  return { alive, lastSeenAt: (newest[0] as unknown as WorkerHeartbeat | undefined)?.lastBeatAt ?? null }
}
