import cluster, { type Worker } from 'node:cluster'

import { numberFromEnv } from '../../jobs/shared/env'

/** A server process exits with this when it cannot work as configured (port taken): restarting would not help. */
export const EXIT_CONFIGURATION_ERROR = 78

/** Set in a server process's environment when it starts as the warm spare. */
export const STANDBY_ENV = 'SERVER_PROCESS_STANDBY'

type ServerProcessMessage = { type: 'server-ready' } | { type: 'standby-ready' }
type SupervisorMessage = { type: 'activate' }

/** In a server process: tells the supervisor it accepts connections. */
export const reportReady = () => process.send?.({ type: 'server-ready' } satisfies ServerProcessMessage)

/**
 * In a server process started as the spare: reports it is warm (Next prepared, Payload
 * initialised) and resolves when the supervisor hands it the place of a process that died.
 */
export const standBy = () =>
  new Promise<void>((resolve) => {
    process.on('message', (message: SupervisorMessage) => {
      if (message?.type === 'activate') resolve()
    })
    process.send?.({ type: 'standby-ready' } satisfies ServerProcessMessage)
  })

export const isStandby = () => process.env[STANDBY_ENV] === '1'

type SupervisorOptions = {
  processes: number
  /** Printed once, when every process first reported ready (the `npm start` ready line). */
  readyLine: string
}

const describeExit = (code: number | null, signal: NodeJS.Signals | null) => {
  if (signal === 'SIGABRT' || code === 134) return 'signal SIGABRT: a V8 fatal error such as running out of memory, see its output above'
  if (signal) return `signal ${signal}`
  return `exit code ${code}`
}

/**
 * The `npm start` primary (node:cluster): runs `processes` server processes on the one port,
 * replaces any that dies, and stops them all gracefully on SIGTERM/SIGINT.
 *
 * Starting Next and Payload takes seconds, so a warm spare (SERVER_STANDBY, default 1) is
 * kept booted but not listening: when a process dies the spare starts accepting at once and
 * a new spare boots in the background. Without a ready spare a new process is started cold.
 *
 * One that keeps dying soon after it started (a bad deploy, a database that is down) is
 * restarted with a growing delay instead of in a tight loop: 1 s, 2 s, 4 s … up to
 * SERVER_RESTART_MAX_DELAY_MS, each logged.
 */
export const superviseServerProcesses = ({ processes, readyLine }: SupervisorOptions) => {
  const quickExitMs = numberFromEnv('SERVER_QUICK_EXIT_MS', 10_000)
  const maxDelayMs = numberFromEnv('SERVER_RESTART_MAX_DELAY_MS', 30_000)
  const stopTimeoutMs = numberFromEnv('SERVER_STOP_TIMEOUT_MS', 10_000)
  const standbys = process.env.SERVER_STANDBY?.trim() === '0' ? 0 : 1

  const startedAt = new Map<Worker, number>()
  const readyOnce = new Set<number>()
  /** The spare, while it is one; `warm` once it has booted. */
  let spare: { worker: Worker; warm: boolean } | undefined
  let quickExitsInARow = 0
  let announced = false
  let stopping = false
  let exitCode = 0

  const onReady = (worker: Worker) => {
    console.log(`server process ${worker.process.pid} ready`)
    readyOnce.add(worker.id)
    if (!announced && readyOnce.size >= processes) {
      announced = true
      console.log(readyLine)
      startSpare()
    }
  }

  const fork = (asSpare: boolean) => {
    const worker = cluster.fork(asSpare ? { [STANDBY_ENV]: '1' } : {})
    startedAt.set(worker, Date.now())
    if (asSpare) spare = { worker, warm: false }
    worker.on('message', (message: ServerProcessMessage) => {
      if (message?.type === 'server-ready') onReady(worker)
      if (message?.type === 'standby-ready' && spare?.worker === worker) {
        spare.warm = true
        console.log(`server process ${worker.process.pid} standing by`)
      }
    })
    return worker
  }

  let spareTimer: NodeJS.Timeout | undefined
  const startSpare = (delayMs = 0) => {
    if (standbys === 0 || stopping || spare || spareTimer) return
    if (delayMs === 0) return void fork(true)
    spareTimer = setTimeout(() => {
      spareTimer = undefined
      startSpare()
    }, delayMs)
  }

  cluster.on('exit', (worker, code, signal) => {
    const lifetimeMs = Date.now() - (startedAt.get(worker) ?? Date.now())
    startedAt.delete(worker)
    const wasSpare = spare?.worker === worker
    if (wasSpare) spare = undefined
    if (stopping) {
      // Killed by the SIGTERM it was sent (still starting up, before its handler existed) is a clean stop too.
      if (code !== 0 && signal !== 'SIGTERM') exitCode = 1
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode)
      return
    }
    const pid = worker.process.pid
    if (code === EXIT_CONFIGURATION_ERROR) {
      console.error(`server process ${pid} cannot run as configured (see above): stopping.`)
      exitCode = 1
      return stop('configuration error')
    }
    quickExitsInARow = lifetimeMs < quickExitMs ? quickExitsInARow + 1 : 0
    // The first quick exit may be bad luck; from the second one in a row, back off.
    const delayMs = quickExitsInARow < 2 ? 0 : Math.min(maxDelayMs, 1000 * 2 ** (quickExitsInARow - 2))
    const died =
      `server process ${pid}${wasSpare ? ' (the spare)' : ''} died (${describeExit(code, signal as NodeJS.Signals | null)}) ` +
      `${(lifetimeMs / 1000).toFixed(1)} s after it started`
    const backoff = delayMs ? ` (${quickExitsInARow} quick exits in a row: waiting ${delayMs / 1000} s)` : ''
    if (wasSpare) {
      console.error(`${died}: starting a new spare${backoff}.`)
      return startSpare(delayMs)
    }
    if (spare?.warm) {
      const taking = spare.worker
      spare = undefined
      console.error(`${died}: spare ${taking.process.pid} takes its place now; starting a new spare${backoff}.`)
      taking.send({ type: 'activate' } satisfies SupervisorMessage)
      return startSpare(delayMs)
    }
    console.error(`${died}: starting a new one${backoff || ' now'}.`)
    if (delayMs) setTimeout(() => !stopping && fork(false), delayMs)
    else fork(false)
  })

  const stop = (reason: string) => {
    if (stopping) return
    stopping = true
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => Boolean(worker))
    console.log(`${reason}: stopping ${workers.length} server process(es)`)
    if (workers.length === 0) process.exit(exitCode)
    // Each process finishes its in-flight requests and exits 0 (server.ts); stragglers are killed.
    for (const worker of workers) worker.process.kill('SIGTERM')
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL')
      process.exit(1)
    }, stopTimeoutMs).unref()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))

  for (let i = 0; i < processes; i++) fork(false)
}
