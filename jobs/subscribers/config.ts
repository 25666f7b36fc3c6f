/**
 * The knobs of subscriber upkeep (as jobs/webhooks/config.ts): the one reminder to confirm,
 * and the removal of signups nobody confirmed.
 */
import { hoursOrOffFromEnv, numberFromEnv } from '../shared/env'

export type SubscriberUpkeepConfig = {
  /** node-cron expression (with seconds) of the upkeep round. */
  tick: string
  /** Hours after the confirmation email that a still-pending subscriber gets the one reminder; 0: no reminders. */
  reminderHours: number
  /** Days after the latest confirmation email that a still-pending subscriber is deleted. */
  pendingDays: number
  /** Subscribers reminded, and deleted, per round at most (the next round takes the rest). */
  batchSize: number
}

export const loadSubscriberUpkeepConfig = (overrides: Partial<SubscriberUpkeepConfig> = {}): SubscriberUpkeepConfig => ({
  tick: process.env.SUBSCRIBER_UPKEEP_TICK || '30 * * * * *',
  reminderHours: hoursOrOffFromEnv('SUBSCRIBE_REMINDER_HOURS', 48),
  pendingDays: numberFromEnv('SUBSCRIBE_PENDING_DAYS', 30),
  batchSize: 100,
  ...overrides,
})
