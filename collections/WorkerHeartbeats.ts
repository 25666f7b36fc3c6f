import type { CollectionConfig } from 'payload'

import { isStaff } from '../src/access/isStaff'
import { optionsFrom } from '../src/fields/optionsFrom'
import { internalCollection } from './shared/internalCollection'

export const WORKER_STATUSES = ['running', 'stopped'] as const

/**
 * One row per worker process (`npm run worker`), upserted every WORKER_HEARTBEAT_MS by
 * jobs/heartbeat. A worker is alive while `status` is running and `lastBeatAt` is newer
 * than WORKER_STALE_MS; a graceful stop marks it stopped. Read by /api/health, the admin
 * banner and the app's watchdog (src/alerts). Staff may read it; nobody writes it through
 * the API. Not personal data: host names and process ids.
 */
export const WorkerHeartbeats: CollectionConfig<'worker-heartbeats'> = {
  ...internalCollection('worker-heartbeats', isStaff),
  labels: { singular: 'Worker heartbeat', plural: 'Worker heartbeats' },
  fields: [
    // `host:pid:random`, the same id the worker's pipelines use as their lease owner.
    { name: 'workerId', type: 'text', required: true, unique: true },
    { name: 'host', type: 'text' },
    { name: 'pid', type: 'number' },
    { name: 'version', type: 'text' },
    // e.g. ["scheduling", "newsletters", "digest", "webhooks"]
    { name: 'pipelines', type: 'json' },
    { name: 'status', type: 'select', required: true, defaultValue: 'running', index: true, options: optionsFrom(WORKER_STATUSES) },
    { name: 'startedAt', type: 'date', required: true },
    { name: 'lastBeatAt', type: 'date', required: true, index: true },
    { name: 'stoppedAt', type: 'date' },
  ],
}
