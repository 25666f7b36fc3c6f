import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { Payload } from 'payload'

import { metrics } from '../../src/metrics/registry'
import { loadMonitoringConfig } from '../../src/monitoring/config'
import { beat, markStopped, pruneHeartbeats, type HeartbeatRow } from './store'

/** What the row says the worker runs: package version, and the deploy's commit when the environment names it. */
export const appVersion = () => {
  let version = process.env.npm_package_version ?? ''
  if (!version) {
    try {
      version = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')).version ?? ''
    } catch {
      version = 'unknown'
    }
  }
  const commit = process.env.APP_COMMIT?.trim() || process.env.SOURCE_VERSION?.trim()
  return commit ? `${version}+${commit.slice(0, 12)}` : version
}

/** Rows of workers that stopped or vanished more than a week ago are dropped at start. */
const PRUNE_AFTER_MS = 7 * 24 * 60 * 60_000

/**
 * The worker's heartbeat: its row upserted every WORKER_HEARTBEAT_MS (default 5 s), marked
 * stopped on a graceful stop. A beat that fails (database busy) is logged and retried at the
 * next interval; `lastBeatOkAt` feeds the worker's own heartbeat-age metric.
 */
export class WorkerHeartbeat {
  private timer?: NodeJS.Timeout
  private beating?: Promise<void>
  private stopped = false
  lastBeatOkAt: number | null = null
  failures = 0
  private readonly row: HeartbeatRow
  private readonly intervalMs: number

  constructor(
    private readonly payload: Payload,
    options: { workerId: string; pipelines: string[]; intervalMs?: number },
  ) {
    this.intervalMs = options.intervalMs ?? loadMonitoringConfig().heartbeatMs
    this.row = {
      workerId: options.workerId,
      host: os.hostname(),
      pid: process.pid,
      version: appVersion(),
      pipelines: options.pipelines,
      startedAt: new Date().toISOString(),
    }
  }

  get workerId() {
    return this.row.workerId
  }

  async start() {
    await pruneHeartbeats(this.payload, PRUNE_AFTER_MS).catch((error: unknown) =>
      this.payload.logger.warn({ event: 'heartbeat.prune-failed', err: error }),
    )
    await this.beatOnce()
    this.timer = setInterval(() => void this.beatOnce(), this.intervalMs)
    this.payload.logger.info({ event: 'heartbeat.started', worker: this.row.workerId, intervalMs: this.intervalMs, pipelines: this.row.pipelines })
  }

  private beatOnce() {
    if (this.stopped || this.beating) return this.beating
    this.beating = beat(this.payload, this.row)
      .then(() => {
        this.lastBeatOkAt = Date.now()
      })
      .catch((error: unknown) => {
        this.failures++
        metrics().heartbeatFailures.inc()
        this.payload.logger.error({ event: 'heartbeat.failed', worker: this.row.workerId, err: error })
      })
      .finally(() => (this.beating = undefined))
    return this.beating
  }

  /** Last: after the pipelines stopped, so "stopped" means nothing of this worker runs. */
  async stop() {
    this.stopped = true
    clearInterval(this.timer)
    await this.beating
    await markStopped(this.payload, this.row.workerId).catch((error: unknown) =>
      this.payload.logger.error({ event: 'heartbeat.stop-failed', worker: this.row.workerId, err: error }),
    )
  }
}
