import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { startTestPayload, stopTestPayload } from '../helpers/payload'
import { startWorker, stopWorkers, type WorkerProcess } from '../helpers/worker'
import { freePort, ROOT } from '../helpers/server'
import { listenHostFrom } from '../../src/server/listenAddress'
import { serverSettings } from '../../src/server/settings'
import { waitFor } from '../helpers/waitFor'

/**
 * What a newcomer sees on the first `npm run dev`: no "No email adapter provided" from
 * either process, and `HOSTNAME` deciding where `next dev` listens, by the rule `npm start`
 * uses. Real processes: the worker as `npm run worker` starts it, `next dev` through the
 * `dev:app` launcher.
 */
const EMAIL_ADAPTER_WARNING = /No email adapter provided/
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cms-first-run-'))
const workers: WorkerProcess[] = []
const children: ChildProcess[] = []

afterAll(async () => {
  await stopWorkers(workers, 'SIGTERM')
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  fs.rmSync(dir, { recursive: true, force: true })
})

/** An address of this machine that is not loopback, to see whether a server listens beyond 127.0.0.1. */
const externalAddress = () =>
  Object.values(os.networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address

const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })

/** `npm run dev:app` without npm in between (signals reach the launcher itself). */
const startNextDev = async (env: Record<string, string | undefined>) => {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/nextDev.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', NEXT_TELEMETRY_DISABLED: '1', PORT: String(port), DATABASE_URI: `file:${path.join(dir, 'dev.db')}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let log = ''
  child.stdout!.on('data', (chunk) => (log += chunk))
  child.stderr!.on('data', (chunk) => (log += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const explain = () => log
  await waitFor('next dev to print "Ready in"', () => {
    if (child.exitCode !== null) throw new Error(`next dev exited ${child.exitCode}:\n${log}`)
    return /Ready in/.test(log)
  }, { timeoutMs: 90_000, intervalMs: 100, explain })
  // Next prints "Ready" just before its server listens: wait for the fact, on loopback.
  await waitFor('next dev to accept connections', () => accepts('127.0.0.1', port), { timeoutMs: 30_000, intervalMs: 100, explain })
  const stop = async () => {
    child.kill('SIGTERM')
    return exited
  }
  return { port, output: () => log, stop }
}

describe('the email adapter', () => {
  it('the worker (as npm run worker starts it) never warns "No email adapter provided"', async () => {
    const worker = startWorker({ NODE_ENV: 'development', DATABASE_URI: `file:${path.join(dir, 'worker.db')}`, EMAIL_OUTBOX_DIR: path.join(dir, 'outbox') })
    workers.push(worker)
    await worker.ready
    // The positive control: its log is Payload's (migrations, the clocks), so the warning would be there.
    expect(worker.output()).toMatch(/Migrated:/)
    expect(worker.output()).toMatch(/scheduler\.started/)
    expect(worker.output()).not.toMatch(EMAIL_ADAPTER_WARNING)
    await stopWorkers(workers, 'SIGTERM')
  })

  it('Payload runs with the clinic mailer, not its console fallback (the adapter the warning is about)', async () => {
    process.env.EMAIL_OUTBOX_DIR = path.join(dir, 'outbox')
    const ctx = await startTestPayload('first-run')
    try {
      expect(ctx.payload.email.name).toBe('clinic-mailer')
    } finally {
      await stopTestPayload(ctx)
    }
  })
})

describe('HOSTNAME: where the servers listen', () => {
  it('honours an address or localhost, ignores a machine name, for npm start and npm run dev alike', () => {
    expect(listenHostFrom(undefined)).toEqual({ host: undefined })
    expect(listenHostFrom('  ')).toEqual({ host: undefined })
    for (const address of ['127.0.0.1', '0.0.0.0', '::1', '::', 'localhost', 'LOCALHOST', '192.168.1.20']) expect(listenHostFrom(address).host, address).toBe(address)
    expect(listenHostFrom('[::1]').host).toBe('::1')
    for (const name of ['vm', 'a1b2c3d4e5f6', 'build-box.internal', 'my laptop']) expect(listenHostFrom(name), name).toEqual({ host: undefined, ignored: name })
    expect(serverSettings({ NODE_ENV: 'production', HOSTNAME: '127.0.0.1' }).hostname).toBe('127.0.0.1')
    expect(serverSettings({ NODE_ENV: 'production', HOSTNAME: 'a1b2c3d4e5f6' })).toMatchObject({ hostname: undefined, ignoredHostname: 'a1b2c3d4e5f6' })
  })

  const external = externalAddress()

  it.runIf(external)('npm run dev with HOSTNAME=127.0.0.1 listens on loopback only', { timeout: 120_000 }, async () => {
    const dev = await startNextDev({ HOSTNAME: '127.0.0.1' })
    try {
      expect(await accepts('127.0.0.1', dev.port)).toBe(true)
      expect(await accepts(external!, dev.port)).toBe(false)
      expect(dev.output()).toContain(`http://127.0.0.1:${dev.port}`)
    } finally {
      await dev.stop()
    }
    // The launcher passed the stop on: nothing listens any more.
    expect(await accepts('127.0.0.1', dev.port)).toBe(false)
  })

  it.runIf(external)('npm run dev with a machine name in HOSTNAME says so and listens on every interface', { timeout: 120_000 }, async () => {
    // The machine's own name, as Docker or a login shell would have put it there.
    const dev = await startNextDev({ HOSTNAME: net.isIP(os.hostname()) || !os.hostname() ? 'some-machine' : os.hostname() })
    try {
      expect(dev.output()).toMatch(/HOSTNAME=".+" is a machine name, not an address: listening on every interface\./)
      expect(await accepts('127.0.0.1', dev.port)).toBe(true)
      expect(await accepts(external!, dev.port)).toBe(true)
    } finally {
      await dev.stop()
    }
  })
})
