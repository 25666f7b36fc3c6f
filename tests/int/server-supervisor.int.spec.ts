import { spawn } from 'node:child_process'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../..')

/**
 * Runs the supervisor over a server process that crashes as `mode` says, until `done(log)`
 * holds (at most 30 s), then sends SIGTERM.
 */
const supervise = (mode: string, done: (log: string) => boolean, env: Record<string, string> = {}) =>
  new Promise<{ log: string; exitCode: number | null; ms: number }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/supervisedProcess.ts'], {
      cwd: ROOT,
      env: { ...process.env, CRASH_MODE: mode, SERVER_STANDBY: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let log = ''
    child.stdout.on('data', (chunk) => (log += chunk))
    child.stderr.on('data', (chunk) => (log += chunk))
    const startedAt = Date.now()
    const check = setInterval(() => {
      if (done(log) || Date.now() - startedAt > 30_000) {
        clearInterval(check)
        child.kill('SIGTERM')
      }
    }, 50)
    child.on('exit', (exitCode) => resolve({ log, exitCode, ms: Date.now() - startedAt }))
  })

describe('the npm start supervisor', () => {
  it('logs an uncaught exception in a server process with its cause, and restarts it', async () => {
    const { log } = await supervise('exception', (log) => /died/.test(log) && /ready[\s\S]*ready/.test(log))
    expect(log).toMatch(/server process \d+: uncaught exception, exiting to be restarted: Error: boom from a handler/)
    expect(log).toMatch(/server process \d+ died \(exit code 1\) [\d.]+ s after it started: starting a new one now/)
    expect(log.match(/server process \d+ ready/g)!.length).toBeGreaterThanOrEqual(2)
  })

  it('does the same for an unhandled promise rejection', async () => {
    const { log } = await supervise('rejection', (log) => /died/.test(log))
    expect(log).toMatch(/unhandled promise rejection, exiting to be restarted: Error: a promise nobody awaited/)
    expect(log).toMatch(/died \(exit code 1\)/)
  })

  it('sees a V8 out-of-memory death as a crash, logs it as such and restarts', async () => {
    const { log } = await supervise('oom', (log) => /died/.test(log) && /ready[\s\S]*died[\s\S]*ready/.test(log), {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=48`,
    })
    expect(log).toMatch(/JavaScript heap out of memory/)
    expect(log).toMatch(/server process \d+ died \(signal SIGABRT: a V8 fatal error such as running out of memory/)
  })

  it('backs off, and says so, when a process keeps dying right after it starts', async () => {
    const { log, ms } = await supervise('exception', (log) => /4 quick exits in a row/.test(log))
    expect(log).toMatch(/2 quick exits in a row: waiting 1 s/)
    expect(log).toMatch(/3 quick exits in a row: waiting 2 s/)
    expect(log).toMatch(/4 quick exits in a row: waiting 4 s/)
    // Four starts took at least the 1 s + 2 s of waiting between them.
    expect(log.match(/server process \d+ ready/g)).toHaveLength(4)
    expect(ms).toBeGreaterThan(3000)
  })

  it('keeps a healthy process running and stops it gracefully on SIGTERM (exit 0)', async () => {
    const { log, exitCode } = await supervise('none', (log) => /Ready \(test\)/.test(log))
    expect(log.match(/server process \d+ ready/g)).toHaveLength(1)
    expect(log).toMatch(/> Ready \(test\)/)
    expect(log).not.toMatch(/died/)
    expect(exitCode).toBe(0)
  })
})
