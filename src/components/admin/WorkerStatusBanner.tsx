import type { Payload } from 'payload'
import React from 'react'

import { findWorkerPresence } from '../../../jobs/heartbeat/store'
import { loadMonitoringConfig } from '../../monitoring/config'
import { WorkerPausedNotice } from './WorkerPausedNotice'

type Props = { payload: Payload }

/**
 * On every admin page (admin.components.header), rendered on the server so it is in the
 * page's HTML: shown while no worker is alive (jobs/heartbeat), nothing otherwise. One
 * indexed read, two when no worker is alive.
 */
export const WorkerStatusBanner = async ({ payload }: Props) => {
  const presence = await findWorkerPresence(payload, loadMonitoringConfig().staleMs).catch(() => null)
  if (!presence || presence.alive.length) return null
  const clinic = await payload.findGlobal({ slug: 'clinic', depth: 0, overrideAccess: true }).catch(() => null)
  return <WorkerPausedNotice lastSeenAt={presence.lastSeenAt} timeZone={clinic?.timezone || 'America/Chicago'} />
}
