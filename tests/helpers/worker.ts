import { spawn, type ChildProcess } from 'node:child_process'
import { ROOT } from './server'

export type WorkerProcess = {
  child: ChildProcess
  output: () => string
  /** Resolves once the worker has done its start-up catch-up and armed its clock. */
  ready: Promise<void>
  exited: Promise<number | null>
  kill: (signal?: NodeJS.Signals) => void
}

/** Runs `npm run worker` (tsx jobs/worker.ts) as a real child process on the given database. */
export const startWorker = (env: Record<string, string>): WorkerProcess => {
  // `node --import tsx`, not the tsx CLI: the CLI runs the script in a second process,
  // and a kill -9 must hit the worker itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'jobs/worker.ts'], {
    cwd: ROOT,
    // Same flags as `npm run worker` (see package.json: lexical's ESM entry and Node 20).
    env: { ...process.env, NODE_ENV: 'test', SEED_DEMO_CONTENT: 'false', NODE_OPTIONS: '--conditions=production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  let resolveReady: () => void
  let rejectReady: (error: Error) => void
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve
    rejectReady = reject
  })
  const onData = (chunk: Buffer) => {
    log += chunk
    if (log.includes('scheduler.started')) resolveReady()
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      rejectReady(new Error(`worker exited (${code}) before it was ready:\n${log}`))
      resolve(code)
    }),
  )
  return { child, output: () => log, ready, exited, kill: (signal = 'SIGTERM') => child.kill(signal) }
}

/**
 * Stops every worker in `workers` (SIGKILL by default: tests that need a graceful stop pass
 * SIGTERM), waits until each has exited, and empties the list for the next test.
 */
export const stopWorkers = async (workers: WorkerProcess[], signal: NodeJS.Signals = 'SIGKILL') => {
  for (const worker of workers.splice(0)) {
    worker.kill(signal)
    await worker.exited
  }
}
