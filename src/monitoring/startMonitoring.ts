import type { Payload } from 'payload'

import { findWorkerPresence } from '../../jobs/heartbeat/store'
import { startAlertWatchdog } from '../alerts/watchdog'
import { recordSmtpAttempts } from '../health/smtpStatus'
import { setHeartbeatSource } from '../metrics/registry'
import { loadMonitoringConfig } from './config'

/**
 * Called from payload.config.ts onInit in every process that loads Payload: records SMTP
 * outcomes for /api/health, lets the metrics read the newest heartbeat (the worker replaces
 * that with its own), and starts the alert watchdog in the app process only.
 */
export const startMonitoring = (payload: Payload) => {
  recordSmtpAttempts(payload, process.env.NEXT_RUNTIME === 'nodejs' ? 'app' : 'worker')
  setHeartbeatSource(async () => {
    const { lastSeenAt } = await findWorkerPresence(payload, loadMonitoringConfig().staleMs)
    return lastSeenAt ? Date.parse(lastSeenAt) : null
  })
  startAlertWatchdog(payload)
}
