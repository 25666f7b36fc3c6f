/** The bench's workers: starting, stopping (SIGTERM, then SIGKILL), exits nobody asked for, and cleanup on Ctrl+C. Part of `npm run bench:schedule-latency` (run.ts). */
import { type RunningServer } from '../../tests/helpers/server'
import { startWorker, type WorkerProcess } from '../../tests/helpers/worker'
import { parseWorkerLog, stoppedStats } from './worker-log'
import { createCleanup } from '../lib/cleanup'
import { type Api } from './api'

// ---- cleanup, also on Ctrl+C (the Next server runs in its own process group) ----

export const runningWorkers = new Set<WorkerProcess>()
/** Workers the bench itself is stopping; any other exit was done to them from outside. */
export const stoppedByBench = new WeakSet<WorkerProcess>()
export type UnexpectedExit = { pid: number; code: number | null; signal: string | null; at: string }
export const unexpectedExits = new Map<WorkerProcess, UnexpectedExit>()

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** SIGTERM, then SIGKILL if it has not exited within 5 s. Resolves with how it ended. */
export const stopWorker = async (worker: WorkerProcess): Promise<'exited' | 'killed'> => {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) {
    runningWorkers.delete(worker)
    return 'exited'
  }
  stoppedByBench.add(worker)
  worker.kill('SIGTERM')
  const ended = await Promise.race([worker.exited.then(() => true), sleep(5_000).then(() => false)])
  if (!ended) {
    worker.kill('SIGKILL')
    await worker.exited
  }
  runningWorkers.delete(worker)
  return ended ? 'exited' : 'killed'
}

export const cleanup = createCleanup('the workers and the server', () =>
  Promise.all([...runningWorkers].map((worker) => stopWorker(worker).catch(() => undefined))),
)

export const log = (message: string) => console.log(`[bench] ${message}`)

export type Context = { server: RunningServer; api: Api; workerEnv: Record<string, string>; serverPids: number[] }

export const launchWorkers = async (ctx: Context, count: number) => {
  const workers = Array.from({ length: count }, () => startWorker(ctx.workerEnv))
  for (const worker of workers) {
    runningWorkers.add(worker)
    worker.ready.catch(() => undefined)
    worker.child.once('exit', (code, signal) => {
      if (stoppedByBench.has(worker)) return
      const exit = { pid: worker.child.pid!, code, signal, at: new Date().toISOString() }
      unexpectedExits.set(worker, exit)
      log(`WARNING: worker ${exit.pid} exited (code ${code}, signal ${signal}) without the bench stopping it: this round is invalid`)
    })
  }
  const timeout = sleep(120_000).then(() => {
    throw new Error(`workers not ready within 120 s:\n${workers.map((worker) => worker.output().slice(-3000)).join('\n---\n')}`)
  })
  await Promise.race([Promise.all(workers.map((worker) => worker.ready)), timeout])
  return workers
}

/** Stops the workers gracefully and reads their `scheduler.stopped` figures. */
export const stopWorkers = async (workers: WorkerProcess[]) => {
  const endings = await Promise.all(workers.map((worker) => stopWorker(worker)))
  return workers.map((worker, index) => {
    const stats = stoppedStats(parseWorkerLog(worker.output()))
    if (!stats) log(`WARNING: worker ${worker.child.pid} (${endings[index]}) logged no scheduler.stopped:\n${worker.output().slice(-2000)}`)
    return stats
  })
}
