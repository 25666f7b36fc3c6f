/** What an idle worker costs: CPU, I/O and database polls over a quiet period. Part of `npm run bench:schedule-latency` (run.ts). */
import { type WorkerProcess } from '../../tests/helpers/worker'
import { clockTicksPerSecond, cpuTimeMs, ioCounters } from './proc'
import { type StoppedStats } from './worker-log'
import { SETTINGS } from './settings'
import { unexpectedExits, sleep, log, stopWorkers } from './workers'
import { type Api, fetchJobs } from './api'

// ---- idle cost ----

export type IdleCost = {
  windowS: number
  pid: number
  cpuMs: number
  cpuShareOfOneCore: number
  clockTicksPerSecond: number
  readSyscallsPerSecond: number | null
  writeSyscallsPerSecond: number | null
  pendingJobsDuringWindow: number
  stopped: StoppedStats | null
  /** Lifetime discovery queries per second: the only queries an idle worker makes. */
  discoveryQueriesPerSecond: number | null
  /** As logged at stop: (discovery + claim queries) / uptime, over the whole life (round included). */
  loggedQueriesPerSecond: number | null
  /** Discovery rate × window, plus claims during the window (none: nothing was due). */
  estimatedQueriesInWindow: number | null
}

export const measureIdle = async (api: Api, worker: WorkerProcess): Promise<IdleCost | undefined> => {
  const pid = worker.child.pid!
  if (unexpectedExits.has(worker) || worker.child.exitCode !== null || worker.child.signalCode !== null) {
    log(`idle: worker ${pid} is no longer running: no idle figures`)
    return undefined
  }
  const pending = (await fetchJobs(api)).filter((job) => job.state === 'queued' || job.state === 'running').length
  log(`idle: worker ${pid} idle for ${SETTINGS.idleSeconds} s with ${pending} pending changes...`)
  const cpuBefore = cpuTimeMs(pid)
  const ioBefore = ioCounters(pid)
  const start = Date.now()
  await sleep(SETTINGS.idleSeconds * 1000)
  if (unexpectedExits.has(worker)) {
    log(`idle: worker ${pid} exited during the idle window: no idle figures`)
    return undefined
  }
  const cpuAfter = cpuTimeMs(pid)
  const ioAfter = ioCounters(pid)
  const windowS = (Date.now() - start) / 1000
  const [stopped] = await stopWorkers([worker])
  const cpuMs = cpuAfter.utimeMs + cpuAfter.stimeMs - cpuBefore.utimeMs - cpuBefore.stimeMs
  const rate = (key: string) =>
    ioBefore && ioAfter && key in ioBefore && key in ioAfter ? (ioAfter[key] - ioBefore[key]) / windowS : null
  const discoveryRate = stopped ? stopped.discoveryQueries / stopped.uptimeS : null
  return {
    windowS,
    pid,
    cpuMs,
    cpuShareOfOneCore: cpuMs / (windowS * 1000),
    clockTicksPerSecond,
    readSyscallsPerSecond: rate('syscr'),
    writeSyscallsPerSecond: rate('syscw'),
    pendingJobsDuringWindow: pending,
    stopped: stopped ?? null,
    discoveryQueriesPerSecond: discoveryRate,
    loggedQueriesPerSecond: stopped?.queriesPerSecond ?? null,
    estimatedQueriesInWindow: discoveryRate === null ? null : discoveryRate * windowS,
  }
}
