/** The bench's knobs (options and environment variables) and its log. Part of `npm run bench:abuse` (run.ts). */
import path from 'node:path'

import { positiveIntFromEnv } from '../lib/env'

export const ROOT = path.resolve(import.meta.dirname, '../..')
export const JSON_OUTPUT = process.argv.includes('--json')
export const ONLY = (() => {
  const index = process.argv.indexOf('--only')
  return index >= 0 ? new Set(String(process.argv[index + 1] ?? '').split(',').filter(Boolean)) : null
})()


export const SCENARIO_TIMEOUT_MS = positiveIntFromEnv('BENCH_ABUSE_TIMEOUT', 60) * 1000
export const PORT = positiveIntFromEnv('BENCH_ABUSE_PORT', 4610)
/** The server's V8 heap cap: a runaway scenario dies at this size instead of taking the machine. */
export const MAX_OLD_SPACE_MB = positiveIntFromEnv('BENCH_ABUSE_MAX_OLD_SPACE_MB', 4096)
export const BASE_URL = `http://127.0.0.1:${PORT}`
export const PROBE_INTERVAL_MS = 50
export const PROBE_TIMEOUT_MS = 10_000
export const BASELINE_MS = 5_000

// Everything goes to the log; with --json, stdout is kept for the result.
export const log = (message: string) => (JSON_OUTPUT ? console.error : console.log)(`[abuse] ${message}`)
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
