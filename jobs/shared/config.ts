/**
 * The knobs every worker pipeline has (scheduling, newsletters, webhooks), with one meaning.
 * Each pipeline's config adds its own in its `config.ts`.
 */
export type PipelineConfig = {
  /** node-cron expression (with seconds) of the clock that looks for due work. */
  tick: string
  /** How long a worker's claim lasts before another worker may take the work over. */
  leaseMs: number
  /** Attempts (the first one included) before a transient failure marks the work failed. */
  maxAttempts: number
  /** First retry delay after a transient failure; doubles each attempt, with jitter. */
  retryBaseMs: number
}
