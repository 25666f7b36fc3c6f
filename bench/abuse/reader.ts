/** The plain reader: GET /api/articles?limit=1 every 50 ms, one at a time, and its latency summary. Part of `npm run bench:abuse` (run.ts). */
import { PROBE_INTERVAL_MS, PROBE_TIMEOUT_MS, sleep } from './settings'
import { send } from './http'

// ---------------------------------------------------------------------------------------
// The plain reader: GET /api/articles?limit=1 every 50 ms, one at a time
// ---------------------------------------------------------------------------------------

export const PLAIN_READ = '/api/articles?limit=1'

export const startReader = () => {
  const latencies: number[] = []
  let failures = 0
  let running = true
  const loop = (async () => {
    while (running) {
      const tick = performance.now()
      const answer = await send('GET', PLAIN_READ, { timeoutMs: PROBE_TIMEOUT_MS })
      // A read that failed or timed out counts with the time it took (at least the timeout).
      latencies.push(answer.ms)
      if (answer.status !== 200) failures++
      const wait = PROBE_INTERVAL_MS - (performance.now() - tick)
      if (wait > 0 && running) await sleep(wait)
    }
  })()
  return async () => {
    running = false
    await loop
    return summarise(latencies, failures)
  }
}

export const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN)
export const summarise = (latencies: number[], failures: number) => {
  const sorted = [...latencies].sort((a, b) => a - b)
  return { reads: latencies.length, failed: failures, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted[sorted.length - 1] ?? NaN) }
}
export const round = (value: number | null, digits = 1) => (value === null || Number.isNaN(value) ? null : Number(value.toFixed(digits)))
