import type { Payload } from 'payload'

import { purgeUnconfirmedSubscribers, remindUnconfirmedSubscribers } from '../../src/subscribers/upkeep'
import { PipelineClock } from '../shared/pipelineClock'
import { loadSubscriberUpkeepConfig, type SubscriberUpkeepConfig } from './config'

/**
 * Subscriber upkeep in the worker, every `SUBSCRIBER_UPKEEP_TICK` (default once a minute):
 * the one reminder to signups nobody confirmed, then the removal of those still pending after
 * `SUBSCRIBE_PENDING_DAYS` (src/subscribers/upkeep.ts). Any number of workers may run: each
 * reminder is claimed, each delete re-checks its conditions.
 */
export class SubscriberUpkeep extends PipelineClock<SubscriberUpkeepConfig> {
  readonly stats = { reminded: 0, purged: 0 }

  constructor(
    payload: Payload,
    config: Partial<SubscriberUpkeepConfig> = {},
    private readonly options: { now?: () => Date } = {},
  ) {
    super(payload, loadSubscriberUpkeepConfig(config), { prefix: 'subscriber-upkeep', roundFailed: 'round-failed' })
  }

  protected async round() {
    const clock = { now: this.options.now?.() ?? new Date(), batchSize: this.config.batchSize }
    this.stats.reminded += await remindUnconfirmedSubscribers(this.payload, this.config.reminderHours, clock)
    if (this.stopping) return
    this.stats.purged += await purgeUnconfirmedSubscribers(this.payload, this.config.pendingDays, clock)
  }

  protected startedDetails() {
    return { reminderHours: this.config.reminderHours, pendingDays: this.config.pendingDays }
  }

  protected stoppedDetails() {
    return this.stats
  }
}
