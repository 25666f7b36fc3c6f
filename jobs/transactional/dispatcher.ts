import type { Payload } from 'payload'

import { attemptTransactionalEmail, type AttemptOutcome } from '../../emails/outbox/attempt'
import { loadOutboxConfig, type OutboxConfig } from '../../emails/outbox/config'
import { deleteOldOutboxRows, findDueOutboxRows, markInterruptedOutboxRows } from '../../emails/outbox/store'
import type { Mailer } from '../../emails/transport'
import { PipelineClock } from '../shared/pipelineClock'

/**
 * The outbox's second chance (emails/outbox): every few seconds it sends what the app recorded
 * but did not get to (the process died between record and attempt: `queued` past the grace
 * period) and the retries now due, one row at a time; it marks rows stuck in `sending` past
 * the lease `unknown` (never resent), and clears finished rows past their keeping time. Any
 * number of workers may run: each attempt is claimed by one.
 */
export class TransactionalMailDispatcher extends PipelineClock<OutboxConfig> {
  readonly stats: Record<AttemptOutcome, number> = { sent: 0, retrying: 0, failed: 0, skipped: 0, unknown: 0, 'not-claimed': 0 }
  private lastCleanup = 0

  constructor(
    payload: Payload,
    config: Partial<OutboxConfig> = {},
    private readonly options: { mailer?: Mailer; now?: () => Date } = {},
  ) {
    super(payload, loadOutboxConfig(config), { prefix: 'transactional-mail', roundFailed: 'round-failed' })
  }

  protected async round() {
    const now = this.options.now?.() ?? new Date()
    if (await markInterruptedOutboxRows(this.payload, now, this.config.leaseMs, this.config.batchSize)) {
      this.payload.logger.warn({ event: 'transactional-email.interrupted', msg: 'emails left mid-send by a stopped process are marked unknown' })
    }
    const due = await findDueOutboxRows(this.payload, now, this.config.graceMs, this.config.batchSize)
    for (const row of due) {
      if (this.stopping) break
      const outcome = await attemptTransactionalEmail(this.payload, row.id, { config: this.config, mailer: this.options.mailer, now })
      this.stats[outcome]++
    }
    if (now.getTime() - this.lastCleanup > 3_600_000) {
      this.lastCleanup = now.getTime()
      await deleteOldOutboxRows(this.payload, now, this.config.keepDays)
    }
  }

  protected stoppedDetails() {
    return this.stats
  }
}
