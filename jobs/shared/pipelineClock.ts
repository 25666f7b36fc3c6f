import crypto from 'node:crypto'
import os from 'node:os'

import cron, { type ScheduledTask } from 'node-cron'
import type { Payload } from 'payload'

import type { PipelineConfig } from './config'

/**
 * What the worker's pipelines (scheduling, newsletters, webhooks, transactional mail, subscriber upkeep) share: an id for their
 * claims, a coarse node-cron clock whose rounds never overlap and stop once the worker is
 * stopping, and the `<pipeline>.started` / `<pipeline>.stopped` log lines tests, benches and
 * operators read. A pipeline says what one round does and what a graceful stop waits for.
 */
export abstract class PipelineClock<TConfig extends Pick<PipelineConfig, 'tick'>> {
  readonly workerId = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`
  protected stopping = false
  private clock?: ScheduledTask
  private inRound = false
  private roundInHand: Promise<void> = Promise.resolve()

  protected constructor(
    protected readonly payload: Payload,
    protected readonly config: TConfig,
    /** The log events' prefix, and the event logged when a round throws. */
    private readonly events: { prefix: string; roundFailed: string },
  ) {}

  /** One round now (catch-up: whatever fell due while no worker ran), then one on every tick. */
  async start() {
    await this.lookForWork()
    this.clock = cron.schedule(this.config.tick, () => void this.lookForWork(), { noOverlap: true })
    this.payload.logger.info({ event: `${this.events.prefix}.started`, worker: this.workerId, tick: this.config.tick, ...this.startedDetails() })
  }

  /** Stops the clock, waits for the work in hand as the pipeline decides, and logs what it did. */
  async stop() {
    this.stopping = true
    await this.clock?.stop()
    await this.finishWorkInHand()
    this.payload.logger.info({ event: `${this.events.prefix}.stopped`, worker: this.workerId, ...this.stoppedDetails() })
  }

  /** One round now, unless one is under way or the worker is stopping. */
  protected async lookForWork() {
    if (this.inRound || this.stopping) return
    this.inRound = true
    try {
      this.roundInHand = this.round()
      await this.roundInHand
    } catch (error) {
      this.payload.logger.error({ event: `${this.events.prefix}.${this.events.roundFailed}`, err: error })
    } finally {
      this.inRound = false
    }
  }

  /** One round now, at the pipeline's clock (tests call it directly, with a clock of their choosing). */
  async runOnce() {
    await this.round()
  }

  protected abstract round(): Promise<void>
  /** What a graceful stop waits for once the clock is stopped: by default the round under way, which checks `stopping` itself. */
  protected async finishWorkInHand() {
    await this.roundInHand.catch(() => undefined)
  }
  protected startedDetails(): Record<string, unknown> {
    return {}
  }
  protected stoppedDetails(): Record<string, unknown> {
    return {}
  }
}
