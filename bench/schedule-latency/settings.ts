/** The bench's knobs (environment variables) and the owner account it creates. Part of `npm run bench:schedule-latency` (run.ts). */
import { positiveIntFromEnv } from '../lib/env'

export const SETTINGS = {
  articlesPerRound: positiveIntFromEnv('BENCH_ARTICLES', 50),
  /** Instants are drawn uniformly in [now + earliest, now + latest]. */
  earliestMs: 3_000,
  latestMs: 30_000,
  /** Not visible this long after its instant: missed. */
  missedAfterMs: 10_000,
  idleSeconds: positiveIntFromEnv('BENCH_IDLE_SECONDS', 20),
  /** The goal. */
  maxLatenessGoalMs: 250,
  /** Pause between two polls (0: back to back; at most 5). */
  pollPauseMs: (() => {
    const raw = process.env.BENCH_POLL_PAUSE_MS ?? ''
    const value = raw === '' ? 0 : Number(raw)
    if (!Number.isInteger(value) || value < 0 || value > 5) {
      console.error(`BENCH_POLL_PAUSE_MS must be a whole number from 0 to 5 (got "${raw}").`)
      process.exit(1)
    }
    return value
  })(),
  rounds: [1, 3],
}

export const EMAIL = 'bench-owner@clinic.test'
export const PASSWORD = 'bench-correct-horse-battery-staple'
