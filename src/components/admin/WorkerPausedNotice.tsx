import React from 'react'

import { workerPausedSentence, WORKER_NOTICE_ACTION } from '../../health/workerNotice'

type Props = {
  /** The newest worker heartbeat (ISO), or null when no worker was ever seen. */
  lastSeenAt: string | null
  /** The clinic's timezone (the `clinic` global), for the time shown. */
  timeZone: string
  /** Inside a drawer or panel: no page margins. */
  compact?: boolean
}

/**
 * "Scheduled publishing and newsletters are paused: no worker has been seen since 10:02."
 * and what to do. Plain markup without hooks, so it renders in server components (the admin
 * banner) and client ones (the schedule drawer, the newsletter send panel: pair it with
 * `useWorkerPresence`, which reads GET /api/health/workers).
 */
export const WorkerPausedNotice = ({ lastSeenAt, timeZone, compact = false }: Props) => {
  const [before, after] = WORKER_NOTICE_ACTION.split('`npm run worker`')
  return (
    <div
      role="alert"
      data-worker-paused-notice=""
      style={{
        background: 'var(--theme-warning-100)',
        color: 'var(--theme-warning-800)',
        border: '1px solid var(--theme-warning-300)',
        borderRadius: 'var(--style-radius-s, 4px)',
        padding: 'calc(var(--base) * 0.5) var(--base)',
        margin: compact ? '0 0 var(--base)' : 'calc(var(--base) * 0.5) var(--gutter-h, var(--base))',
      }}
    >
      <strong>{workerPausedSentence(lastSeenAt, timeZone)}</strong> {before}
      <code>npm run worker</code>
      {after}
    </div>
  )
}
