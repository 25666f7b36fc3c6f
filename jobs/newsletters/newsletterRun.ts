import type { Payload } from 'payload'

import { compileNewsletter, type CompiledNewsletter } from '../../emails/newsletters/compile'
import { mjmlCompileCount } from '../../emails/render'
import type { Mailer } from '../../emails/transport'
import type { Newsletter } from '../../payload-types'
import { metrics } from '../../src/metrics/registry'
import type { NewsletterSendConfig } from './config'
import { storedCounts } from './counts'
import { deliveryMessageId, newsletterListHeaders, newsletterMessage, type Ready } from './message'
import { classifySmtpFailure, deliveryOutcomeOf } from './smtpErrors'
import {
  cancelQueuedDeliveries,
  claimDeliveries,
  countDeliveries,
  findQueuedDeliveries,
  findSubscriberStates,
  markOrphansUnknown,
  nextQueuedAttemptAt,
  recordOutcomes,
  skipQueuedDeliveries,
  type DeliveryOutcome,
} from './store/deliveries'
import { findNewsletter, pauseForUnreachableServer, releaseNewsletter, renewNewsletterLease, updateHeldNewsletter } from './store/newsletters'
import type { Id } from './store/shared'
import { findAudiencePage, insertDeliveries } from './store/snapshot'
import { recordBounce } from './store/subscribers'

export type RunOutcome = 'finished' | 'paused' | 'cancelled' | 'lost-lease' | 'smtp-unreachable' | 'stopped' | 'failed'

/**
 * One worker's turn at one claimed newsletter: snapshot the audience (if not done), compile
 * once, send every due queued delivery, finish. Returns when it is done, paused, cancelled,
 * stopped, or when the lease is lost; never with a delivery of its own still in flight.
 *
 * Crash safety rests on the order of writes: a delivery is `sending` (under this worker's
 * claim token) before its message is handed to the SMTP pool, and `sent` only after the
 * server's 250. The number of rows in `sending` never exceeds `config.inFlight`, so a
 * `kill -9` leaves at most that many ambiguous rows, which the next holder marks `unknown`.
 */
export class NewsletterRun {
  private lost = false
  private stopRequested = false
  private inFlight = 0
  private results: Array<{ id: Id; outcome: DeliveryOutcome }> = []
  private bounces: Array<{ subscriber: Id; hard: boolean; email: string; reason: string }> = []
  private wake?: () => void
  private claimSeq = 0
  private consecutiveUnreachable = 0
  private unreachableSince = 0
  private renewTimer?: NodeJS.Timeout
  private buffer: Ready[] = []
  private readCursor: Id | null = null
  private lastFlushAt = 0
  /** True while the audience is still being copied: an empty queue is not the end yet. */
  private snapshotPending = false
  private readonly startedMs = Date.now()
  sent = 0

  constructor(
    private readonly payload: Payload,
    private readonly mailer: Mailer,
    private newsletter: Newsletter,
    private readonly workerId: string,
    private readonly config: NewsletterSendConfig,
  ) {}

  /** Graceful stop: no new claims; what is in flight finishes and is recorded. */
  stop() {
    this.stopRequested = true
    this.wake?.()
  }

  private get id(): Id {
    return this.newsletter.id
  }

  private log(event: string, extra: Record<string, unknown> = {}) {
    this.payload.logger.info({ event, newsletter: this.id, worker: this.workerId, ...extra })
  }

  async run(): Promise<RunOutcome> {
    const { payload } = this
    // The claim's own result lacks hasMany relationships (audience topics): read it whole.
    this.newsletter = (await findNewsletter(payload, this.id)) ?? this.newsletter
    const orphans = await markOrphansUnknown(payload, this.id)
    if (orphans) this.log('newsletter.orphans-unknown', { deliveries: orphans })
    this.renewTimer = setInterval(() => void this.renew(), this.config.renewEveryMs)
    try {
      let compiled: CompiledNewsletter
      try {
        const full = await payload.findByID({ collection: 'newsletters', id: this.id, depth: 0, overrideAccess: true })
        compiled = await compileNewsletter(payload, full)
      } catch (error) {
        await this.finish('failed', `Could not build the email: ${error instanceof Error ? error.message : String(error)}`)
        return 'failed'
      }
      this.log('newsletter.compiled', { hash: compiled.hash, mjmlCompileCount: mjmlCompileCount() })
      // The snapshot runs alongside the send: the first page's deliveries go out while later
      // pages are still being copied (the database is idle while the SMTP server answers).
      this.snapshotPending = !this.newsletter.snapshotDone
      const snapshotting = this.snapshotPending
        ? this.snapshot()
            .catch((error) => {
              payload.logger.error({ event: 'newsletter.snapshot-failed', newsletter: this.id, err: error })
              this.stopRequested = true
              return false
            })
            .finally(() => {
              this.snapshotPending = false
              this.wake?.()
            })
        : Promise.resolve(true)
      const outcome = await this.send(compiled)
      const snapshotted = await snapshotting
      if (outcome !== 'finished') return outcome
      if (!snapshotted) return this.why()
      const counts = await countDeliveries(payload, this.id)
      const delivered = counts.sent + counts.complained + counts.unknown
      const allFailed = delivered === 0 && counts.failed + counts.bounced > 0
      await this.finish(allFailed ? 'failed' : 'sent', allFailed ? 'Every delivery failed: see the failed deliveries and their SMTP responses.' : null)
      return 'finished'
    } finally {
      clearInterval(this.renewTimer)
    }
  }

  /** Why a loop stopped early. */
  private async why(): Promise<RunOutcome> {
    if (this.stopRequested && !this.lost) {
      await releaseNewsletter(this.payload, this.id, this.workerId)
      return 'stopped'
    }
    const current = await findNewsletter(this.payload, this.id)
    if (current?.status === 'paused') return 'paused'
    if (current?.status === 'cancelled') return 'cancelled'
    return 'lost-lease'
  }

  private async renew() {
    if (this.lost) return
    try {
      const renewed = await renewNewsletterLease(this.payload, this.id, this.workerId, this.config.leaseMs)
      if (!renewed) {
        // Paused, cancelled or taken over: claim nothing more.
        this.lost = true
        this.wake?.()
      }
    } catch (error) {
      this.payload.logger.error({ event: 'newsletter.renew-failed', newsletter: this.id, err: error })
    }
  }

  private get halted() {
    return this.lost || this.stopRequested
  }

  /** Copies the audience into deliveries, a page at a time from the saved cursor. */
  private async snapshot(): Promise<boolean> {
    const { payload, config } = this
    const parseId = (value: string) => (payload.db.defaultIDType === 'number' ? Number(value) : value)
    let cursor: Id | null = this.newsletter.snapshotCursor ? parseId(this.newsletter.snapshotCursor) : null
    let queued = 0
    const started = Date.now()
    for (;;) {
      if (this.halted) return false
      const page = await findAudiencePage(payload, this.newsletter, cursor, config.snapshotBatch)
      queued += await insertDeliveries(payload, this.id, page.subscribers, () => deliveryMessageId())
      if (page.lastId !== null) cursor = page.lastId
      const done = page.scanned < config.snapshotBatch
      const data: Record<string, unknown> = { snapshotCursor: cursor === null ? null : String(cursor) }
      if (done) {
        const counts = await countDeliveries(payload, this.id)
        Object.assign(data, { snapshotDone: true, counts: storedCounts(counts) })
      }
      if (!(await updateHeldNewsletter(payload, this.id, this.workerId, data))) {
        this.lost = true
        // The snapshot runs alongside the send, so a cancel can land while this page is being
        // inserted: the cancel cancelled the queued rows it saw, not the ones inserted after it.
        if ((await findNewsletter(payload, this.id))?.status === 'cancelled') await cancelQueuedDeliveries(payload, this.id)
        return false
      }
      // New deliveries to send: let the sender look.
      this.wake?.()
      if (done) {
        this.log('newsletter.snapshot-done', { queued, ms: Date.now() - started })
        return true
      }
    }
  }

  /** Refills the read-ahead buffer; subscribers no longer confirmed are skipped here, not sent. */
  private async refill(): Promise<void> {
    const { payload } = this
    let rows = await findQueuedDeliveries(payload, this.id, this.readCursor, this.config.readAheadBatch)
    if (!rows.length && this.readCursor !== null) {
      // From the start again: retries that came due, rows a person re-queued.
      this.readCursor = null
      rows = await findQueuedDeliveries(payload, this.id, null, this.config.readAheadBatch)
    }
    if (!rows.length) return
    this.readCursor = rows[rows.length - 1].id
    const states = await findSubscriberStates(
      payload,
      rows.map((row) => row.subscriber).filter((id): id is Id => id !== null && id !== undefined),
    )
    const skipped: Id[] = []
    for (const row of rows) {
      const subscriber = row.subscriber != null ? states.get(String(row.subscriber)) : undefined
      if (!subscriber || subscriber.status !== 'confirmed') skipped.push(row.id)
      else this.buffer.push({ ...row, name: subscriber.name, manageSecret: subscriber.manageSecret })
    }
    if (skipped.length) await skipQueuedDeliveries(payload, skipped, 'No longer subscribed when its turn came.')
  }

  private async flush() {
    this.lastFlushAt = Date.now()
    if (!this.results.length && !this.bounces.length) return
    const { results, bounces } = this
    this.results = []
    this.bounces = []
    await recordOutcomes(this.payload, results)
    for (const bounce of bounces) await recordBounce(this.payload, bounce.subscriber, bounce.hard, bounce.email, bounce.reason)
  }

  private waitForWake(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.wake = done
    }).finally(() => (this.wake = undefined))
  }

  private async send(compiled: CompiledNewsletter): Promise<RunOutcome> {
    const { config } = this
    const listHeaders = newsletterListHeaders(compiled, this.newsletter)
    let smtpDown = false
    // Claims go in groups of `claimBatch` (one conditional update each) and results are
    // written together just before the next claim: a handful of commits per group instead of
    // several per message, while rows in `sending` never exceed the window.
    const claimBatch = Math.max(1, Math.min(config.claimBatch, config.inFlight))
    for (;;) {
      if (this.consecutiveUnreachable >= config.unreachableAfter) smtpDown = true
      if (this.halted || smtpDown) break
      const free = config.inFlight - this.inFlight
      if (free >= claimBatch || (this.inFlight === 0 && free > 0)) {
        await this.flush()
        if (!this.buffer.length) await this.refill()
        if (this.halted) continue
        if (this.buffer.length) {
          const group = this.buffer.splice(0, free)
          const token = `${this.workerId}#${++this.claimSeq}`
          const claimed = await claimDeliveries(this.payload, group.map((row) => row.id), token)
          // The claim reads the rows back without the subscriber's name and link secret.
          const buffered = new Map(group.map((row) => [String(row.id), row]))
          for (const row of claimed) {
            const { name, manageSecret } = buffered.get(String(row.id)) ?? {}
            this.dispatch(compiled, { ...row, name, manageSecret }, listHeaders)
          }
          continue
        }
        if (this.inFlight === 0) {
          const next = await nextQueuedAttemptAt(this.payload, this.id)
          if (next === null && this.snapshotPending) {
            await this.waitForWake(1_000) // the next snapshot page wakes us
            continue
          }
          if (next === null) break // nothing queued, audience complete: done
          await this.waitForWake(Math.max(10, Math.min(next - Date.now(), 1_000)))
          continue
        }
      }
      await this.waitForWake(100)
      // A slow server: results still reach the database within a fraction of a second.
      if (this.results.length && Date.now() - this.lastFlushAt >= 100) await this.flush()
    }
    // Let what is on the wire finish and record it. Bounded: a server that never answers
    // must not hold a shutdown forever; rows left in `sending` become `unknown`, never resent.
    const drainUntil = Date.now() + this.config.leaseMs
    while (this.inFlight > 0 && Date.now() < drainUntil) await this.waitForWake(1_000)
    await this.flush()
    if (smtpDown && !this.halted) {
      await pauseForUnreachableServer(this.payload, this.id, this.workerId, this.unreachableSince)
      this.log('newsletter.smtp-unreachable', { since: new Date(this.unreachableSince).toISOString() })
      return 'smtp-unreachable'
    }
    if (this.halted) return this.why()
    return 'finished'
  }

  private dispatch(compiled: CompiledNewsletter, row: Ready, listHeaders: Record<string, string>) {
    const attempts = (row.attempts ?? 0) + 1
    this.inFlight++
    const settle = (outcome: DeliveryOutcome) => {
      metrics().newsletterMessages.inc({ outcome: outcome.status === 'queued' ? 'deferred' : outcome.status })
      this.results.push({ id: row.id, outcome })
      this.inFlight--
      this.wake?.()
    }
    let message: ReturnType<typeof newsletterMessage>
    try {
      message = newsletterMessage(compiled, row, listHeaders)
    } catch (error) {
      settle({ status: 'failed', lastError: error instanceof Error ? error.message : String(error), attempts })
      return
    }
    this.mailer.send(message).then(
      (info) => {
        this.consecutiveUnreachable = 0
        this.sent++
        settle({ status: 'sent', smtpResponse: info.response ?? 'accepted', attempts })
      },
      (error) => settle(this.failureOutcome(error, row, attempts)),
    )
  }

  private failureOutcome(error: unknown, row: Ready, attempts: number): DeliveryOutcome {
    const failure = classifySmtpFailure(error)
    if (failure.kind === 'unreachable') {
      if (this.consecutiveUnreachable++ === 0) this.unreachableSince = Date.now()
    } else this.consecutiveUnreachable = 0
    if ((failure.kind === 'hard-bounce' || failure.kind === 'bounce') && row.subscriber != null) {
      this.bounces.push({ subscriber: row.subscriber, hard: failure.kind === 'hard-bounce', email: row.email, reason: failure.response?.slice(0, 300) ?? failure.message.slice(0, 300) })
    }
    return deliveryOutcomeOf(failure, attempts, this.config)
  }

  private async finish(status: 'sent' | 'failed', note: string | null) {
    const { payload } = this
    // Rows a stalled former holder left in `sending` long ago are not coming back.
    await markOrphansUnknown(payload, this.id, Date.now() - this.config.leaseMs)
    const counts = await countDeliveries(payload, this.id)
    const finishedAt = new Date().toISOString()
    await updateHeldNewsletter(payload, this.id, this.workerId, {
      status,
      finishedAt,
      note,
      counts: storedCounts(counts),
      leaseOwner: null,
      leaseExpiresAt: null,
    })
    this.log('newsletter.finished', { status, ...storedCounts(counts), ms: Date.now() - this.startedMs, mjmlCompileCount: mjmlCompileCount() })
  }
}
