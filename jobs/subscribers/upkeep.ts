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
  private inHand: Promise<unknown> = Promise.resolve()

  constructor(
    payload: Payload,
    config: Partial<SubscriberUpkeepConfig> = {},
    private readonly options: { now?: () => Date } = {},
  ) {
    super(payload, loadSubscriberUpkeepConfig(config), { prefix: 'subscriber-upkeep', roundFailed: 'round-failed' })
  }

  /** One round at the clock's time (tests call it directly with a chosen clock). */
  async runOnce() {
    await this.round()
  }

  protected async round() {
    const clock = { now: this.options.now?.() ?? new Date(), batchSize: this.config.batchSize }
    const work = (async () => {
      this.stats.reminded += await remindUnconfirmedSubscribers(this.payload, this.config.reminderHours, clock)
      if (this.stopping) return
      this.stats.purged += await purgeUnconfirmedSubscribers(this.payload, this.config.pendingDays, clock)
    })()
    this.inHand = work
    await work
  }

  protected async finishWorkInHand() {
    await this.inHand.catch(() => undefined)
  }

  protected startedDetails() {
    return { reminderHours: this.config.reminderHours, pendingDays: this.config.pendingDays }
  }

  protected stoppedDetails() {
    return this.stats
  }
}
