import type { Payload } from 'payload'

import { metrics } from '../../src/metrics/registry'
import { attemptsOf, nextRunOf, plannedFor } from '../../src/seams/jobsCollection'
import { PipelineClock } from '../shared/pipelineClock'
import { applyChange } from './applyChange'
import { loadSchedulerConfig, type SchedulerConfig } from './config'
import { claimChange, findUpcomingChanges, releaseChange, type ScheduledChange } from './store'

type Due = { id: ScheduledChange['id']; at: number }

/**
 * Two clocks. node-cron ticks every second: a cheap indexed query (re)discovers the
 * changes due within the horizon, picks up claims whose owner died, and recovers anything
 * missed. For each change it arms a precise timer for its exact instant, because a
 * one-second tick alone would publish up to a second late. A fired timer never acts
 * early (it re-arms if the wall clock is behind), and due changes run one at a time,
 * oldest first.
 */
export class PublishingScheduler extends PipelineClock<SchedulerConfig> {
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>()
  private readonly ready: Due[] = []
  private draining?: Promise<void>
  private holding?: ScheduledChange['id']
  private readonly startedAt = Date.now()
  /** Database round trips by kind, reported on stop: the cost of keeping time. */
  readonly stats = { discoveryQueries: 0, claimAttempts: 0, applied: 0, nothingToDo: 0, failedAttempts: 0 }

  constructor(payload: Payload, config: Partial<SchedulerConfig> = {}) {
    super(payload, loadSchedulerConfig(config), { prefix: 'scheduler', roundFailed: 'discover-failed' })
  }

  protected startedDetails() {
    return { leaseMs: this.config.leaseMs }
  }

  /** Clears the timers and lets the change in hand finish. */
  protected async finishWorkInHand() {
    for (const { timer } of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    this.ready.length = 0
    await this.draining
  }

  /** The cost of keeping time, which the schedule-latency bench reads. */
  protected stoppedDetails() {
    const uptimeS = (Date.now() - this.startedAt) / 1000
    const queries = this.stats.discoveryQueries + this.stats.claimAttempts
    return { uptimeS, ...this.stats, queriesPerSecond: Number((queries / uptimeS).toFixed(3)) }
  }

  /** Discovery: arms a timer for every change due within the horizon. */
  protected async round() {
    this.stats.discoveryQueries++
    for (const change of await findUpcomingChanges(this.payload, Date.now() + this.config.horizonMs, this.config.discoveryLimit)) {
      // A running change is somebody's claim: look again when its lease runs out.
      const at = change.state === 'running' && change.leaseExpiresAt ? Date.parse(change.leaseExpiresAt) + 1 : Date.parse(nextRunOf(change) ?? '')
      this.arm({ id: change.id, at })
    }
  }

  private arm(due: Due) {
    const key = String(due.id)
    const existing = this.timers.get(key)
    if (existing?.at === due.at || this.ready.some((item) => String(item.id) === key) || this.holding === due.id) return
    if (existing) clearTimeout(existing.timer)
    const timer = setTimeout(() => this.fire(due), Math.max(0, due.at - Date.now()))
    this.timers.set(key, { at: due.at, timer })
  }

  private fire(due: Due) {
    this.timers.delete(String(due.id))
    if (this.stopping) return
    // setTimeout runs on a monotonic clock; the schedule is wall-clock time. Never early.
    if (Date.now() < due.at) return this.arm(due)
    this.ready.push(due)
    this.ready.sort((a, b) => a.at - b.at)
    this.draining ??= this.drain().finally(() => (this.draining = undefined))
  }

  private async drain() {
    for (let due = this.ready.shift(); due && !this.stopping; due = this.ready.shift()) {
      await this.run(due)
    }
  }

  private async run(due: Due) {
    const { payload, config, workerId } = this
    let change: ScheduledChange | null
    this.stats.claimAttempts++
    try {
      change = await claimChange(payload, due.id, workerId, config.leaseMs)
    } catch (error) {
      payload.logger.error({ event: 'scheduler.claim-failed', job: due.id, err: error })
      return
    }
    if (!change) return // another worker has it, or it was cancelled or rescheduled
    this.holding = change.id
    try {
      if (config.holdClaimMs) await new Promise((resolve) => setTimeout(resolve, config.holdClaimMs))
      if (this.stopping) {
        await releaseChange(payload, change.id, workerId)
        return
      }
      const result = await applyChange(payload, change, workerId, config)
      const succeeded = result.outcome === 'applied' || result.outcome === 'already-applied'
      if (succeeded) this.stats.applied++
      else if (result.outcome === 'nothing-to-do') this.stats.nothingToDo++
      else this.stats.failedAttempts++
      const scheduledFor = Date.parse(plannedFor(change) ?? '')
      const finishedAt = Date.now()
      metrics().scheduledChanges.inc({ outcome: result.outcome })
      if (result.outcome === 'applied') metrics().scheduledLateness.observe(Math.max(0, result.appliedAt - scheduledFor) / 1000)
      payload.logger[succeeded ? 'info' : 'warn']({
        event: `scheduled-${change.input?.type ?? 'publish'}`,
        outcome: result.outcome,
        collection: change.input?.doc?.relationTo,
        id: change.input?.doc?.value,
        job: change.id,
        scheduledFor: new Date(scheduledFor).toISOString(),
        appliedAt: new Date(result.appliedAt).toISOString(),
        latenessMs: finishedAt - scheduledFor,
        attempt: (attemptsOf(change) ?? 0) + 1,
        worker: workerId,
        ...(result.error ? { error: result.error } : {}),
        ...(result.note ? { note: result.note } : {}),
      })
      // A retry is queued for later: arm it now rather than at the next tick.
      if (result.outcome === 'retrying') void this.lookForWork()
    } finally {
      this.holding = undefined
    }
  }
}
