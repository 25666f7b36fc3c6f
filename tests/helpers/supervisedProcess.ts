/**
 * A stand-in for `npm start` in tests of the supervisor: the primary supervises like
 * server.ts does; each server process fails the way CRASH_MODE says, after reporting ready.
 * Run with `node --import tsx tests/helpers/supervisedProcess.ts`.
 */
import cluster from 'node:cluster'

import { exitOnUnhandledErrors } from '../../src/server/crashLogging'
import { reportReady, superviseServerProcesses } from '../../src/server/supervisor'

if (cluster.isPrimary) {
  superviseServerProcesses({ processes: 1, readyLine: '> Ready (test)' })
} else {
  exitOnUnhandledErrors('server process')
  reportReady()
  const mode = process.env.CRASH_MODE
  setTimeout(() => {
    if (mode === 'exception') throw new Error('boom from a handler')
    if (mode === 'rejection') void Promise.reject(new Error('a promise nobody awaited'))
    if (mode === 'oom') {
      // Until V8 gives up (run with a small --max-old-space-size).
      const hoard: number[][] = []
      for (;;) hoard.push(Array.from({ length: 100_000 }, (_, i) => i))
    }
  }, 50)
  // Stay alive otherwise (until SIGTERM).
  setInterval(() => {}, 1000)
  process.on('SIGTERM', () => process.exit(0))
}
