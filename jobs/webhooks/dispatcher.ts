import type { Payload } from 'payload'

import type { Webhook, WebhookDelivery } from '../../payload-types'
import { metrics } from '../../src/metrics/registry'
import { PipelineClock } from '../shared/pipelineClock'
import { loadWebhookConfig, retryDelayMs, type WebhookConfig } from './config'
import { postWebhook, type PostResult } from './deliver'
import { claimDelivery, findDueDeliveries, inDocumentOrder, markAttemptFailed, markDelivered, relationId } from './store'

/**
 * Sends the deliveries that content hooks recorded (src/webhooks/recordContentEvent.ts).
 * node-cron ticks every second: one indexed query for due deliveries, one for the older
 * unfinished ones that must go first, then a claim per delivery it will send. Up to
 * `concurrency` POSTs run at once, never two for the same webhook and document. Run in
 * any number of workers: a claim is won by one.
 */
export class WebhookDispatcher extends PipelineClock<WebhookConfig> {
  private readonly inFlight = new Map<string, Promise<void>>()
  /** The last look filled every free slot, so more deliveries may be waiting. */
  private backlog = false
  readonly stats = { delivered: 0, failedAttempts: 0, failed: 0 }

  constructor(payload: Payload, config: Partial<WebhookConfig> = {}) {
    super(payload, loadWebhookConfig(config), { prefix: 'webhooks', roundFailed: 'tick-failed' })
  }

  protected startedDetails() {
    return { timeoutMs: this.config.timeoutMs }
  }

  /** Waits for the POSTs in flight (each bounded by the timeout). */
  protected async finishWorkInHand() {
    await Promise.allSettled(this.inFlight.values())
  }

  protected stoppedDetails() {
    return this.stats
  }

  protected async round() {
    const free = this.config.concurrency - this.inFlight.size
    if (free <= 0) return
    const started = new Set<string>()
    // Usually one page. More only when the oldest due deliveries all wait behind older
    // ones (a receiver down while one document changed many times): the others must not starve.
    for (let page = 1; page <= this.config.maxPagesPerTick && started.size < free && !this.stopping; page++) {
      const { docs, hasNextPage } = await findDueDeliveries(this.payload, this.config.pageSize, page)
      const due = docs.filter((delivery) => !this.inFlight.has(targetKey(delivery)))
      for (const delivery of await inDocumentOrder(this.payload, due)) {
        if (started.size >= free || this.stopping) break
        const key = targetKey(delivery)
        if (started.has(key)) continue
        started.add(key)
        const run = this.send(delivery).finally(() => {
          this.inFlight.delete(key)
          // A full tick may have left work behind: look again now, not at the next second.
          if (this.backlog && !this.stopping) void this.lookForWork()
        })
        this.inFlight.set(key, run)
      }
      if (!hasNextPage) break
    }
    this.backlog = started.size >= free
  }

  private async send(candidate: WebhookDelivery) {
    const { payload, config, workerId } = this
    const delivery = await claimDelivery(payload, candidate, workerId, config.leaseMs)
    if (!delivery) return // another worker has it
    const attempts = delivery.attempts ?? 1
    const webhookId = relationId(delivery.webhook)
    const webhook = webhookId
      ? ((await payload.db.findOne({ collection: 'webhooks', where: { id: { equals: webhookId } } })) as Webhook | null)
      : null

    let result: PostResult
    if (!webhook) result = notSent('The webhook was deleted.')
    else if (!webhook.enabled) result = notSent('The webhook is disabled: enable it, then retry this delivery.')
    else if (!webhook.secret) result = notSent('The webhook has no secret: save it once to generate one.')
    else if (attempts > config.maxAttempts) result = notSent('A worker stopped during the last allowed attempt.')
    else {
      result = await postWebhook({
        url: webhook.url,
        secret: webhook.secret,
        body: delivery.body,
        deliveryId: String(delivery.id),
        event: delivery.event,
        timeoutMs: config.timeoutMs,
        excerptBytes: config.excerptBytes,
      })
    }

    const outcome = { status: result.status, excerpt: result.excerpt, durationMs: result.durationMs, error: result.error }
    const log = {
      event: 'webhook.attempt',
      delivery: delivery.id,
      webhook: webhookId,
      type: delivery.event,
      collection: delivery.collectionSlug,
      id: delivery.documentId,
      attempt: attempts,
      status: result.status,
      durationMs: result.durationMs,
      worker: workerId,
    }
    if (result.ok) {
      await markDelivered(payload, delivery, workerId, outcome)
      this.stats.delivered++
      metrics().webhookDeliveries.inc({ outcome: 'delivered' })
      payload.logger.info({ ...log, outcome: 'delivered' })
      return
    }
    // Only a disabled/deleted webhook or a spent budget fails at once; anything else may recover.
    const final = !webhook || !webhook.enabled || !webhook.secret || attempts >= config.maxAttempts
    const retryAt = final ? null : Date.now() + retryDelayMs(config, attempts)
    await markAttemptFailed(payload, delivery, workerId, outcome, retryAt)
    if (final) this.stats.failed++
    else this.stats.failedAttempts++
    metrics().webhookDeliveries.inc({ outcome: final ? 'failed' : 'retrying' })
    payload.logger.warn({ ...log, outcome: final ? 'failed' : 'retrying', error: result.error, ...(retryAt ? { retryAt: new Date(retryAt).toISOString() } : {}) })
  }
}

const targetKey = (delivery: WebhookDelivery) => `${relationId(delivery.webhook)}|${delivery.collectionSlug}|${delivery.documentId}`

const notSent = (error: string): PostResult => ({ ok: false, status: null, excerpt: null, durationMs: 0, error })
