/**
 * Idle cost of "know it is working": `npm start` (one server process + the warm spare) and
 * one `npm run worker`, all idle, on a fresh SQLite file; CPU (from /proc) and SQL
 * statements per second (clinic_db_queries_total, scraped from both) over a window.
 *
 * Two runs: "off" (ALERT_WATCHDOG=off, heartbeat every hour) and "on" (the defaults: a beat
 * every 5 s, a watchdog round every 30 s in each server process). The difference is the cost
 * of heartbeats and watchdog; the rest is what the worker's clocks and the cache's revision
 * poll already cost. Then 100 sequential GET /api/health, timed from the client.
 *
 *   npm run build && NODE_OPTIONS=--conditions=production npx tsx bench/idle-cost/run.ts [--seconds 60]
 */
import fs from 'node:fs'

import path from 'node:path'

import { parseMetrics, sampleValue } from '../../tests/helpers/prometheus'
import { freePort, startProductionServer } from '../../tests/helpers/server'
import { startWorker } from '../../tests/helpers/worker'
import { machineInfo } from '../lib/machine'
import { cpuTimeMs } from '../schedule-latency/proc'

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 60
const TOKEN = 'bench-idle-token-0123456789'

const descendants = (pid: number): number[] => {
  const children: number[] = []
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) children.push(Number(entry), ...descendants(Number(entry)))
    } catch {
      // gone
    }
  }
  return children
}
const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuTimeMs(pid).utimeMs + cpuTimeMs(pid).stimeMs, 0)
const queries = async (url: string) => sampleValue(parseMetrics(await (await fetch(url, { headers: { Authorization: `Bearer ${TOKEN}` } })).text()), 'clinic_db_queries_total') ?? 0
const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000) => {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

const measure = async (label: 'off' | 'on') => {
  const knobs: Record<string, string> = label === 'off' ? { ALERT_WATCHDOG: 'off', WORKER_HEARTBEAT_MS: '3600000', WORKER_STALE_MS: '7200000' } : {}
  const server = await startProductionServer(`idle-${label}`, { METRICS_TOKEN: TOKEN, ...knobs })
  const metricsPort = await freePort()
  const worker = startWorker({
    ...knobs,
    DATABASE_URI: server.databaseUri,
    MEDIA_DIR: String(server.env.MEDIA_DIR),
    PAYLOAD_SECRET: String(server.env.PAYLOAD_SECRET),
    METRICS_TOKEN: TOKEN,
    WORKER_METRICS_PORT: String(metricsPort),
  })
  const log = () => worker.output()
  // Rejects when the worker exits, which the end of this run does on purpose.
  worker.ready.catch(() => undefined)
  try {
    await until('the worker', () => log().includes('worker.metrics-listening'), 300_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${log().slice(-3000)}`)
    })
    // Let start-up settle (first discovery, the spare's boot, JIT warm-up).
    await new Promise((resolve) => setTimeout(resolve, 15_000))
    const appPids = [server.pid, ...descendants(server.pid)]
    const appUrl = `${server.url}/api/metrics`
    const workerUrl = `http://127.0.0.1:${metricsPort}/metrics`
    const start = { at: Date.now(), appCpu: cpuOf(appPids), workerCpu: cpuOf([worker.child.pid!]), appQ: await queries(appUrl), workerQ: await queries(workerUrl) }
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
    const end = { at: Date.now(), appCpu: cpuOf(appPids), workerCpu: cpuOf([worker.child.pid!]), appQ: await queries(appUrl), workerQ: await queries(workerUrl) }
    const elapsedS = (end.at - start.at) / 1000
    // After the idle window: GET /api/health's own time, sequentially (what a balancer sees).
    const healthMs: number[] = []
    const checksMs: number[] = []
    for (let i = 0; i < 100; i++) {
      const began = performance.now()
      const response = await fetch(`${server.url}/api/health`)
      await response.arrayBuffer()
      healthMs.push(performance.now() - began)
      checksMs.push(Number(/checks;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1] ?? NaN))
    }
    healthMs.sort((a, b) => a - b)
    checksMs.sort((a, b) => a - b)
    return {
      label,
      seconds: Number(elapsedS.toFixed(1)),
      appProcesses: appPids.length,
      appCpuPercent: Number((((end.appCpu - start.appCpu) / 1000 / elapsedS) * 100).toFixed(2)),
      workerCpuPercent: Number((((end.workerCpu - start.workerCpu) / 1000 / elapsedS) * 100).toFixed(2)),
      // The scrapes' own statements (one heartbeat read per app scrape) are in these; a handful per window.
      appQueriesPerSecond: Number(((end.appQ - start.appQ) / elapsedS).toFixed(2)),
      workerQueriesPerSecond: Number(((end.workerQ - start.workerQ) / elapsedS).toFixed(2)),
      healthMs: { p50: Number(healthMs[49].toFixed(1)), p95: Number(healthMs[94].toFixed(1)), max: Number(healthMs[99].toFixed(1)) },
      // The reads alone (Server-Timing), without HTTP, Next and Payload's request set-up.
      healthChecksMs: { p50: Number(checksMs[49].toFixed(1)), p95: Number(checksMs[94].toFixed(1)), max: Number(checksMs[99].toFixed(1)) },
    }
  } finally {
    worker.kill('SIGTERM')
    await worker.exited
    await server.stop()
  }
}

const results = [await measure('off'), await measure('on')]
const [off, on] = results
const summary = {
  machine: machineInfo(),
  results,
  heartbeatAndWatchdog: {
    appCpuPercent: Number((on.appCpuPercent - off.appCpuPercent).toFixed(2)),
    workerCpuPercent: Number((on.workerCpuPercent - off.workerCpuPercent).toFixed(2)),
    appQueriesPerSecond: Number((on.appQueriesPerSecond - off.appQueriesPerSecond).toFixed(2)),
    workerQueriesPerSecond: Number((on.workerQueriesPerSecond - off.workerQueriesPerSecond).toFixed(2)),
  },
}
console.log(JSON.stringify(summary, null, 2))
const dir = path.resolve('bench/results')
fs.mkdirSync(dir, { recursive: true })
fs.writeFileSync(path.join(dir, `idle-cost-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(summary, null, 2))

