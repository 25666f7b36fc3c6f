/**
 * `npm run worker`: the process that keeps time. It runs the scheduled-publishing clock,
 * newsletter sends, the weekly digest, webhook deliveries, the transactional-mail outbox's retries and subscriber upkeep (the
 * reminder, removing signups nobody confirmed). Run one or several: every change, message and delivery is claimed by one of them. SIGTERM or SIGINT stops it gracefully: the change in hand finishes, a
 * claim not yet started is released, then it exits 0.
 */
import fs from 'node:fs'

import { exitOnUnhandledErrors } from '../src/server/crashLogging'

if (fs.existsSync('.env')) process.loadEnvFile('.env')
// Crashes are logged with their cause and exit 1; docker-compose (`restart: unless-stopped`)
// or systemd (`Restart=on-failure`, SECURITY-server.md) start a new worker.
exitOnUnhandledErrors('worker')
// The worker never seeds; `npm run dev`'s app process does that.
process.env.SEED_DEMO_CONTENT = 'false'

const { getPayload } = await import('payload')
const { default: config } = await import('../payload.config')
const { PublishingScheduler } = await import('./scheduling/scheduler')
const { WebhookDispatcher } = await import('./webhooks/dispatcher')
const { TransactionalMailDispatcher } = await import('./transactional/dispatcher')
const { SubscriberUpkeep } = await import('./subscribers/upkeep')
const { NewsletterClock } = await import('./newsletters/clock')
const { startDigestClock } = await import('./newsletters/digest')
const { WorkerHeartbeat } = await import('./heartbeat/heartbeat')
const { loadMonitoringConfig } = await import('../src/monitoring/config')
const { startWorkerMetricsServer } = await import('../src/metrics/workerServer')
const { metrics, setHeartbeatSource } = await import('../src/metrics/registry')
const { numberFromEnv } = await import('./shared/env')

const { deliverabilityWarnings } = await import('../emails/deliverability')

const payload = await getPayload({ config })
// What keeps the clinic's mail out of inboxes, where the person who deploys reads: the
// worker's log at start (the newsletter send panel shows the same list to the owner).
for (const warning of deliverabilityWarnings()) payload.logger.warn({ event: 'worker.deliverability-warning', warning })
const scheduler = new PublishingScheduler(payload)
const webhooks = new WebhookDispatcher(payload)
const transactionalMail = new TransactionalMailDispatcher(payload)
const subscriberUpkeep = new SubscriberUpkeep(payload)
const newsletters = new NewsletterClock(payload)
let digestClock: ReturnType<typeof startDigestClock> | undefined
// Every WORKER_HEARTBEAT_MS: /api/health, the admin banner and the app's watchdog read it.
const heartbeat = new WorkerHeartbeat(payload, { workerId: scheduler.workerId, pipelines: ['scheduling', 'newsletters', 'digest', 'webhooks', 'transactional-mail', 'subscriber-upkeep'] })
const monitoring = loadMonitoringConfig()
setHeartbeatSource(async () => heartbeat.lastBeatOkAt)
let metricsServer: Awaited<ReturnType<typeof startWorkerMetricsServer>> = null

let stopping = false
const shutdown = async (signal: string) => {
  if (stopping) return
  stopping = true
  payload.logger.info({ event: 'worker.stopping', signal })
  digestClock?.stop()
  await Promise.all([scheduler.stop(), webhooks.stop(), newsletters.stop(), transactionalMail.stop(), subscriberUpkeep.stop()])
  // Last: "stopped" means nothing of this worker runs any more.
  await heartbeat.stop()
  metricsServer?.close()
  await payload.destroy()
  process.exit(0)
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))

await newsletters.start()
await Promise.all([scheduler.start(), webhooks.start(), transactionalMail.start(), subscriberUpkeep.start()])
// The weekly digest has its own clock: it only ever creates a scheduled newsletter.
digestClock = startDigestClock(payload)
await heartbeat.start()
metrics().smtpPoolSize.set(numberFromEnv('SMTP_POOL_SIZE', 5))
metricsServer = await startWorkerMetricsServer(payload, monitoring)
