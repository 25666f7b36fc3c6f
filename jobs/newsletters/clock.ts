import net from 'node:net'

import type { Payload } from 'payload'

import { createMailer, type Mailer } from '../../emails/transport'
import { metrics } from '../../src/metrics/registry'
import { PipelineClock } from '../shared/pipelineClock'
import { announcePendingArticles } from './announcements'
import { loadNewsletterSendConfig, SMTP_DOWN_OWNER, type NewsletterSendConfig } from './config'
import { NewsletterRun } from './newsletterRun'
import { claimNewsletter, findDueNewsletters, resumeAfterUnreachableServer } from './store/newsletters'
import type { Id } from './store/shared'

/**
 * The newsletter clock: node-cron ticks every second; pending article announcements become
 * scheduled sends (announcements.ts), and one indexed query finds sends that
 * are due (scheduled and `sendAt` passed, `sending` with an expired lease, or paused
 * because the SMTP server was down), and the worker claims each with a lease and runs it.
 * Several sends run side by side through one SMTP pool.
 */
export class NewsletterClock extends PipelineClock<NewsletterSendConfig> {
  private readonly mailer: Mailer
  private readonly runs = new Map<string, { run?: NewsletterRun; done: Promise<void> }>()
  private readonly lastProbe = new Map<string, number>()

  constructor(payload: Payload, options: { config?: Partial<NewsletterSendConfig>; mailer?: Mailer } = {}) {
    super(payload, loadNewsletterSendConfig(options.config), { prefix: 'newsletters', roundFailed: 'discover-failed' })
    // No silent re-send on a broken connection: the pipeline decides (retry or unknown) per delivery.
    this.mailer = countInUse(
      options.mailer ?? createMailer({ logger: { info: (message) => payload.logger.info(message) }, requeueOnConnectionClose: false }),
    )
  }

  protected startedDetails() {
    return { leaseMs: this.config.leaseMs, inFlight: this.config.inFlight }
  }

  /** Sends in hand record what is in flight and give their lease back. */
  protected async finishWorkInHand() {
    for (const { run } of this.runs.values()) run?.stop()
    await Promise.all([...this.runs.values()].map(({ done }) => done))
    this.mailer.close()
  }

  protected async round() {
    try {
      // Articles that went live with "email to subscribers" since the last tick: their
      // announcements become scheduled sends, which the query below then finds.
      await announcePendingArticles(this.payload)
    } catch (error) {
      this.payload.logger.error({ event: 'article.announcements-failed', err: error })
    }
    for (const newsletter of await findDueNewsletters(this.payload, Date.now(), this.config.dueBatch)) {
      if (this.runs.has(String(newsletter.id))) continue
      if (newsletter.status === 'paused') {
        if (newsletter.leaseOwner === SMTP_DOWN_OWNER) await this.probe(newsletter.id)
        continue
      }
      this.claimAndRun(newsletter.id)
    }
  }

  /** Claims the send and, if this worker won it, runs it in the background until it ends. */
  private claimAndRun(id: Id) {
    const key = String(id)
    const entry: { run?: NewsletterRun; done: Promise<void> } = { done: Promise.resolve() }
    entry.done = (async () => {
      try {
        const newsletter = await claimNewsletter(this.payload, id, this.workerId, this.config.leaseMs)
        if (!newsletter || this.stopping) return
        this.payload.logger.info({ event: 'newsletter.claimed', newsletter: id, worker: this.workerId })
        entry.run = new NewsletterRun(this.payload, this.mailer, newsletter, this.workerId, this.config)
        if (this.stopping) entry.run.stop()
        const outcome = await entry.run.run()
        this.payload.logger.info({ event: 'newsletter.run-ended', newsletter: id, outcome, sent: entry.run.sent, worker: this.workerId })
      } catch (error) {
        this.payload.logger.error({ event: 'newsletter.run-failed', newsletter: id, err: error })
      } finally {
        this.runs.delete(key)
      }
    })()
    this.runs.set(key, entry)
  }

  /**
   * A self-paused send: is the SMTP server answering again? Opening a TCP connection and
   * reading its greeting is enough (no message is sent), every `probeEveryMs`.
   */
  private async probe(id: Id) {
    const key = String(id)
    const now = Date.now()
    if (now - (this.lastProbe.get(key) ?? 0) < this.config.probeEveryMs) return
    this.lastProbe.set(key, now)
    if (!(await smtpAnswers(this.config.smtpUrl))) return
    if (await resumeAfterUnreachableServer(this.payload, id)) {
      this.payload.logger.info({ event: 'newsletter.smtp-back', newsletter: id, worker: this.workerId })
      this.claimAndRun(id)
    }
  }
}

/** The SMTP-pool-in-use gauge: messages handed to the pool and not answered yet. */
const countInUse = (mailer: Mailer): Mailer => ({
  send: async (message) => {
    const { smtpInUse } = metrics()
    smtpInUse.inc()
    try {
      return await mailer.send(message)
    } finally {
      smtpInUse.dec()
    }
  },
  close: () => mailer.close(),
})

/** True when the SMTP server at `smtpUrl` accepts a connection and greets with 220. */
export const smtpAnswers = (smtpUrl: string, timeoutMs = 5_000): Promise<boolean> =>
  new Promise((resolve) => {
    let url: URL
    try {
      url = new URL(smtpUrl)
    } catch {
      return resolve(false)
    }
    const port = Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587)
    const socket = net.connect({ host: url.hostname, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('error', () => done(false))
    // smtps:// greets inside TLS: a connection is all we can check without a handshake.
    if (url.protocol === 'smtps:') socket.once('connect', () => done(true))
    else socket.once('data', (chunk) => done(chunk.toString().startsWith('220')))
  })
