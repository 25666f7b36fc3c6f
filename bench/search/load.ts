import http from 'node:http'

import { percentile } from '../lib/stats'

export type LoadResult = { requests: number; errors: number; requestsPerSecond: number; p50: number; p90: number; p99: number; max: number }

/**
 * `connections` keep-alive connections, each sending the next of `paths` as soon as its last
 * answer is read, for `durationMs`; latency per request with performance.now() (sub-millisecond:
 * the goal is a p99 of 10 ms, which whole-millisecond histograms blur). Non-200 answers count as errors.
 */
export const runLoad = async (baseUrl: string, paths: string[], { connections, durationMs }: { connections: number; durationMs: number }): Promise<LoadResult> => {
  const url = new URL(baseUrl)
  const latencies: number[] = []
  let errors = 0
  const startedAt = performance.now()
  const deadline = startedAt + durationMs
  const worker = async (offset: number) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    let index = offset
    while (performance.now() < deadline) {
      const path = paths[index++ % paths.length]
      const sent = performance.now()
      const status = await new Promise<number>((resolve) => {
        const request = http.get({ host: url.hostname, port: url.port, path, agent }, (response) => {
          response.resume()
          response.on('end', () => resolve(response.statusCode ?? 0))
        })
        request.on('error', () => resolve(0))
      })
      latencies.push(performance.now() - sent)
      if (status !== 200) errors += 1
    }
    agent.destroy()
  }
  await Promise.all(Array.from({ length: connections }, (_, connection) => worker(connection * 3)))
  const elapsed = performance.now() - startedAt
  const sorted = latencies.sort((a, b) => a - b)
  return {
    requests: sorted.length,
    errors,
    requestsPerSecond: (sorted.length / elapsed) * 1000,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
  }
}
