import cluster from 'node:cluster'

import client from 'prom-client'

import { setMetricsExposition } from './exposition'
import { metrics } from './registry'

/**
 * `npm start` runs several server processes on one port (src/server/supervisor.ts), and a
 * scrape reaches any one of them: alone, its counters would jump between processes. So a
 * server process that is scraped asks the supervisor, which gathers every server process's
 * registry with prom-client's AggregatorRegistry (over node:cluster IPC, counters and
 * histograms summed, gauges as each metric's `aggregator` says) and answers with the total.
 * The warm spare is included (it counts little but its process metrics).
 */
type MetricsRequest = { type: 'clinic:metrics-request'; id: number }
type MetricsResponse = { type: 'clinic:metrics-response'; id: number; text?: string; error?: string }

/** In the supervisor (cluster primary). */
export const answerClusterMetricsRequests = () => {
  const aggregator = new client.AggregatorRegistry()
  cluster.on('message', (worker, message: MetricsRequest) => {
    if (message?.type !== 'clinic:metrics-request') return
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: 'clinic:metrics-response', id: message.id, text } satisfies MetricsResponse),
      (error: Error) => worker.send({ type: 'clinic:metrics-response', id: message.id, error: error.message } satisfies MetricsResponse),
    )
  })
}

/** In each server process: answers the supervisor's collection, and scrapes through it. */
export const useClusterMetrics = () => {
  if (!cluster.isWorker || !process.send) return
  // The constructor installs the listener that answers the primary's requests.
  new client.AggregatorRegistry()
  client.AggregatorRegistry.setRegistries([metrics().registry])
  let sequence = 0
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>()
  process.on('message', (message: MetricsResponse) => {
    if (message?.type !== 'clinic:metrics-response') return
    const request = pending.get(message.id)
    if (!request) return
    pending.delete(message.id)
    clearTimeout(request.timer)
    if (message.error !== undefined) request.reject(new Error(message.error))
    else request.resolve(message.text ?? '')
  })
  setMetricsExposition(
    () =>
      new Promise<string>((resolve, reject) => {
        const id = ++sequence
        // prom-client gives up on a silent process after 5 s; this bounds the round trip.
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(new Error('The supervisor did not answer with the metrics within 6 s.'))
        }, 6_000)
        pending.set(id, { resolve, reject, timer })
        process.send!({ type: 'clinic:metrics-request', id } satisfies MetricsRequest)
      }),
  )
}
