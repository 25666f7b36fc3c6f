import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** What one benchmark target is asked, exactly as wrk sends it (wrk adds Host itself). */
export type BenchRequest = {
  method: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  /** Paths (with query) wrk cycles through, one per request, instead of the URL's own path. */
  paths?: string[]
}

export type WrkOptions = {
  threads: number
  connections: number
  durationSeconds: number
  /** Requests slower than this count as timeouts (and are missing from the latency figures). */
  timeoutSeconds: number
}

export type WrkResult = {
  requests: number
  durationSeconds: number
  requestsPerSecond: number
  bytesPerSecond: number
  latencyMs: { avg: number; stdev: number; max: number; p50: number; p75: number; p90: number; p99: number }
  non2xx3xx: number
  socketErrors: { connect: number; read: number; write: number; timeout: number }
  raw: string
}

export const WRK = process.env.WRK_PATH ?? 'wrk'

/** Exits with an install hint when wrk is not on the PATH. */
export const requireWrk = () => {
  const probe = spawnSync(WRK, ['--version'], { encoding: 'utf8' })
  // `wrk --version` prints its banner and exits 1; only a spawn error means it is missing.
  if (probe.error) {
    console.error(`wrk was not found (${probe.error.message}).`)
    console.error('Install it first:  apt-get install -y wrk   (Debian/Ubuntu; or set WRK_PATH)')
    process.exit(1)
  }
  return (probe.stdout + probe.stderr).split('\n')[0].trim()
}

/** A Lua long string whose level cannot clash with the body's own contents. */
const luaLongString = (text: string) => {
  let level = ''
  while (text.includes(`]${level}]`)) level += '='
  return `[${level}[${text}]${level}]`
}

export const wrkScript = (request: BenchRequest) => {
  const lines = [`wrk.method = ${luaLongString(request.method)}`]
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    // The spaces matter: `[[[` would open a long string.
    lines.push(`wrk.headers[ ${luaLongString(name)} ] = ${luaLongString(value)}`)
  }
  // A long string drops a newline directly after its opening bracket, so lead with one.
  if (request.body !== undefined) lines.push(`wrk.body = ${luaLongString(`\n${request.body}`)}`)
  if (request.paths?.length) {
    // Each wrk thread walks the list from its own offset, so the threads do not ask in lockstep.
    lines.push(`local paths = { ${request.paths.map(luaLongString).join(', ')} }`)
    lines.push('local index = math.random(#paths)')
    lines.push('request = function() index = index % #paths + 1; return wrk.format(nil, paths[index]) end')
  }
  return lines.join('\n') + '\n'
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
const SIZE_BYTES: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 }

const toMs = (value: string) => {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(value)
  if (!match) throw new Error(`Unrecognised wrk time "${value}"`)
  return Number(match[1]) * UNIT_MS[match[2]]
}

const toBytes = (value: string) => {
  const match = /^([\d.]+)(B|KB|MB|GB|TB)$/.exec(value)
  if (!match) throw new Error(`Unrecognised wrk size "${value}"`)
  return Number(match[1]) * SIZE_BYTES[match[2]]
}

/** Parses the text `wrk --latency` prints. */
export const parseWrkOutput = (raw: string): WrkResult => {
  const need = (pattern: RegExp, what: string) => {
    const match = pattern.exec(raw)
    if (!match) throw new Error(`Could not find ${what} in the wrk output:\n${raw}`)
    return match
  }
  const latency = need(/^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)/m, 'the latency stats')
  const percentile = (p: number) => toMs(need(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm'), `the ${p}% latency`)[1])
  const total = need(/^\s*(\d+) requests in (\S+),/m, 'the request count')
  const sockets = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(raw)
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(raw)
  return {
    requests: Number(total[1]),
    durationSeconds: toMs(total[2]) / 1000,
    requestsPerSecond: Number(need(/^Requests\/sec:\s+([\d.]+)/m, 'Requests/sec')[1]),
    bytesPerSecond: toBytes(need(/^Transfer\/sec:\s+(\S+)/m, 'Transfer/sec')[1]),
    latencyMs: {
      avg: toMs(latency[1]),
      stdev: toMs(latency[2]),
      max: toMs(latency[3]),
      p50: percentile(50),
      p75: percentile(75),
      p90: percentile(90),
      p99: percentile(99),
    },
    non2xx3xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: {
      connect: sockets ? Number(sockets[1]) : 0,
      read: sockets ? Number(sockets[2]) : 0,
      write: sockets ? Number(sockets[3]) : 0,
      timeout: sockets ? Number(sockets[4]) : 0,
    },
    raw,
  }
}

/** Children still running, so an interrupted bench can stop them. */
export const runningWrks = new Set<ChildProcess>()

export const runWrk = async (url: string, request: BenchRequest, options: WrkOptions): Promise<WrkResult> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-wrk-'))
  const script = path.join(dir, 'request.lua')
  fs.writeFileSync(script, wrkScript(request))
  try {
    const args = [
      `-t${options.threads}`,
      `-c${options.connections}`,
      `-d${options.durationSeconds}s`,
      `--timeout`,
      `${options.timeoutSeconds}s`,
      '--latency',
      '-s',
      script,
      url,
    ]
    const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    runningWrks.add(child)
    let out = ''
    let errors = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.stderr.on('data', (chunk) => (errors += chunk))
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('exit', resolve)
    })
    runningWrks.delete(child)
    if (code !== 0) throw new Error(`wrk exited with ${code}:\n${out}${errors}`)
    // wrk reports a broken Lua script on stderr and then load-tests with a plain GET anyway.
    if (errors.trim()) throw new Error(`wrk reported errors (its Lua script?):\n${errors}\n${out}`)
    return parseWrkOutput(out)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
