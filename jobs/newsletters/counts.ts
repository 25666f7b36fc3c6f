/**
 * A newsletter's numbers, in one shape: the per-status count of its deliveries (what the
 * worker and the progress endpoint count), the part of it the newsletter stores (its
 * `counts` group: outcomes only), and the progress the admin's send panel polls. Plain data
 * and types: the admin bundle imports this file too.
 */
import type { NewsletterStatus } from './states'

// `complained`: delivered, then reported as spam by the recipient (a provider's event, src/emailEvents).
export const DELIVERY_STATUSES = ['queued', 'sending', 'sent', 'failed', 'bounced', 'complained', 'unknown', 'skipped', 'cancelled'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/** Deliveries per status, and `recipients`: all of them. */
export type DeliveryCounts = Record<DeliveryStatus, number> & { recipients: number }

/** The newsletter's stored `counts` (collections/Newsletters): what the send did so far. */
export const STORED_COUNT_KEYS = ['recipients', 'sent', 'failed', 'bounced', 'complained', 'unknown', 'skipped'] as const
export type StoredCounts = Record<(typeof STORED_COUNT_KEYS)[number], number>

export const storedCounts = (counts: StoredCounts): StoredCounts =>
  Object.fromEntries(STORED_COUNT_KEYS.map((key) => [key, counts[key]])) as StoredCounts

/** `GET /api/newsletters/:id/progress`: live counts from the deliveries, and a finish estimate. */
export type NewsletterProgress = {
  status: NewsletterStatus
  counts: DeliveryCounts
  startedAt: string | null
  finishedAt: string | null
  estimatedFinishAt: string | null
  note: string | null
}

const n = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0)

/** Recipients handled so far (any outcome) and those still to go (a cancelled send's unsent ones included). */
export const tally = (counts: Partial<StoredCounts>) => {
  const done = n(counts.sent) + n(counts.failed) + n(counts.bounced) + n(counts.complained) + n(counts.unknown) + n(counts.skipped)
  const recipients = n(counts.recipients)
  return { done, recipients, remaining: Math.max(0, recipients - done) }
}
