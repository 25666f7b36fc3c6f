import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import { testDatabase } from './database'
import { jsonOrUndefined } from './json'

export const ROOT = path.resolve(import.meta.dirname, '../..')

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

/**
 * BENCH_CPU_PROF=<dir>: the server runs under `node --cpu-prof --cpu-prof-dir=<dir>`. The supervisor's server
 * processes inherit the flags (node:cluster forks with the primary's execArgv), so each process writes its own
 * CPU-<date>.<pid>…cpuprofile when it exits cleanly, which `stop` lets it do (SIGTERM: server.ts drains and
 * exits 0). Read them with `npx tsx bench/lib/cpuprofile.ts <dir>`.
 */
const cpuProfileArgs = (): string[] => {
  const dir = process.env.BENCH_CPU_PROF?.trim()
  if (!dir) return []
  const absolute = path.resolve(dir)
  fs.mkdirSync(absolute, { recursive: true })
  return ['--cpu-prof', `--cpu-prof-dir=${absolute}`]
}

export type RunningServer = {
  url: string
  port: number
  dir: string
  databaseUri: string
  env: NodeJS.ProcessEnv
  /** The process `npm start` runs (the supervisor, since server processes run under it). */
  pid: number
  output: () => string
  /** SIGTERM to the process group, then waits for the exit; resolves to its exit code. */
  stop: () => Promise<number | null>
}

/**
 * Starts the production build (`npm start`: dist/server.mjs, Next behind the response cache)
 * on a fresh database (tests/helpers/database.ts: a SQLite file by default), the way a user runs it. Needs `npm run build` first. `extraEnv`
 * adds or overrides environment variables (e.g. the cache's settings).
 */
export const startProductionServer = async (name: string, extraEnv: Record<string, string> = {}): Promise<RunningServer> => {
  if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID')) || !fs.existsSync(path.join(ROOT, 'dist', 'server.mjs'))) {
    throw new Error('No production build: run `npm run build` before the e2e tests.')
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cms-e2e-${name}-`))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const database = await testDatabase(`e2e-${name}`, dir)
  const databaseUri = database.uri
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    SERVER_URL: url,
    DATABASE_URI: databaseUri,
    MEDIA_DIR: path.join(dir, 'media'),
    PAYLOAD_SECRET: 'e2e-secret-0123456789abcdef0123456789',
    HOSTNAME: '127.0.0.1',
    ...extraEnv,
  }
  let log = ''
  // `npm start` without npm in between: the signals in `stop` reach the server itself.
  const child: ChildProcess = spawn(process.execPath, [...cpuProfileArgs(), 'dist/server.mjs'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  child.stdout!.on('data', (chunk) => (log += chunk))
  child.stderr!.on('data', (chunk) => (log += chunk))

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
    }
    await database.cleanup()
    fs.rmSync(dir, { recursive: true, force: true })
    return child.exitCode
  }

  // Ready means Payload answered through the API (its first request also runs the migrations).
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${log}`)
    try {
      const response = await fetch(`${url}/api/articles?limit=1`)
      if (response.status === 200) {
        // The warm spare boots after the first processes are ready (a few seconds of full CPU):
        // wait for it, so that tests do not measure a server busy starting its spare.
        if (env.SERVER_STANDBY !== '0') {
          while (!/standing by/.test(log) && Date.now() < deadline && child.exitCode === null) {
            await new Promise((resolve) => setTimeout(resolve, 200))
          }
        }
        return { url, port, dir, databaseUri, env, pid: child.pid!, output: () => log, stop }
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  await stop()
  throw new Error(`npm start did not become ready within 120 s:\n${log}`)
}

/**
 * The server processes `npm start` runs under its supervisor, from their "server process
 * <pid> ready" log lines, newest last (a restarted one is logged again with its new pid).
 */
export const serverProcessPids = (server: RunningServer): number[] => {
  const pids = [...server.output().matchAll(/server process (\d+) ready/g)].map((match) => Number(match[1]))
  return pids.length ? pids : [server.pid]
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export const processIsAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Resident memory of a process in bytes (Linux /proc). */
export const residentBytes = (pid: number) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) * 1024 : Number.NaN
}

/**
 * This process as "another process" writing to the running server's data: Payload's Local
 * API on the server's SQLite file and media folder. Sets this process's environment (the
 * config reads it on import), so call it once per process.
 */
export const localPayloadOnServerData = async (server: RunningServer) => {
  process.env.DATABASE_URI = server.databaseUri
  process.env.MEDIA_DIR = String(server.env.MEDIA_DIR)
  process.env.PAYLOAD_SECRET = String(server.env.PAYLOAD_SECRET)
  process.env.SEED_DEMO_CONTENT = 'false'
  const { getPayload } = await import('payload')
  const config = (await import('../../payload.config')).default
  return getPayload({ config })
}

/** Runs `npm run seed` against the server's database, as a user would. */
export const seedServerDatabase = (server: RunningServer) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn('npm', ['run', 'seed'], {
      cwd: ROOT,
      // The seed runs as a plain Node script, like a user's `npm run seed`, not as the server.
      env: { ...server.env, NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let log = ''
    child.stdout.on('data', (chunk) => (log += chunk))
    child.stderr.on('data', (chunk) => (log += chunk))
    child.on('exit', (code: number | null) => (code === 0 ? resolve(log) : reject(new Error(`npm run seed exited ${code}:\n${log}`))))
  })

export const graphql = async (url: string, query: string, variables?: Record<string, unknown>) => {
  const response = await fetch(`${url}/api/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  })
  return { status: response.status, json: (await response.json()) as any }
}

export type HttpApiResponse = { status: number; json: any; text: string; headers: Headers }

/** JSON calls to `/api` of a running server, the way an external client makes them. */
export const httpApi = async (
  baseUrl: string,
  method: string,
  pathAndQuery: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<HttpApiResponse> => {
  const response = await fetch(`${baseUrl}/api${pathAndQuery}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(options.token ? { Authorization: `JWT ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  const text = await response.text()
  return { status: response.status, json: jsonOrUndefined(text), text, headers: response.headers }
}
