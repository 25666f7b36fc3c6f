/**
 * `npm run bench:abuse`: what a few hostile requests do to the production build (`npm start`)
 * with the demo content: the GraphQL nested join at 3, 4 and 5 levels, a chunked 100 MB body
 * to /api/subscribe and to /api/graphql, 30 deep rich-text previews, a GraphQL fragment cycle.
 * For each: the time to answer (or to the server's death), the status, the latency of a plain
 * read sent every 50 ms meanwhile (against the same reads with no attack, measured in the same
 * run), the serving process's RSS before and after, and whether it survived (it is restarted
 * for the next scenario if not). See bench/abuse/README.md.
 *
 * Options: --json (machine-readable result on stdout, the log on stderr), --only <name,…>
 * (scenario names), BENCH_ABUSE_TIMEOUT (seconds per scenario, default 60),
 * BENCH_ABUSE_PORT (default 4610), BENCH_ABUSE_MAX_OLD_SPACE_MB (the server's heap cap,
 * default 4096).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'

import { createCleanup } from '../lib/cleanup'
import { machineInfo } from '../lib/machine'

const ROOT = path.resolve(import.meta.dirname, '../..')
const JSON_OUTPUT = process.argv.includes('--json')
const ONLY = (() => {
  const index = process.argv.indexOf('--only')
  return index >= 0 ? new Set(String(process.argv[index + 1] ?? '').split(',').filter(Boolean)) : null
})()

const numberFromEnv = (name: string, fallback: number) => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a whole number >= 1 (got "${raw}").`)
    process.exit(1)
  }
  return value
}

const SCENARIO_TIMEOUT_MS = numberFromEnv('BENCH_ABUSE_TIMEOUT', 60) * 1000
const PORT = numberFromEnv('BENCH_ABUSE_PORT', 4610)
/** The server's V8 heap cap: a runaway scenario dies at this size instead of taking the machine. */
const MAX_OLD_SPACE_MB = numberFromEnv('BENCH_ABUSE_MAX_OLD_SPACE_MB', 4096)
const BASE_URL = `http://127.0.0.1:${PORT}`
const PROBE_INTERVAL_MS = 50
const PROBE_TIMEOUT_MS = 10_000
const BASELINE_MS = 5_000

// Everything goes to the log; with --json, stdout is kept for the result.
const log = (message: string) => (JSON_OUTPUT ? console.error : console.log)(`[abuse] ${message}`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// ---------------------------------------------------------------------------------------
// The server: npm start (dist/server.mjs) on a SQLite file of this run
// ---------------------------------------------------------------------------------------

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cms-bench-abuse-'))
const serverEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'production',
  PORT: String(PORT),
  HOSTNAME: '127.0.0.1',
  SERVER_URL: BASE_URL,
  DATABASE_URI: `file:${path.join(dataDir, 'cms.db')}`,
  MEDIA_DIR: path.join(dataDir, 'media'),
  PAYLOAD_SECRET: 'bench-abuse-secret-0123456789abcdef0123',
  NODE_OPTIONS: `--max-old-space-size=${MAX_OLD_SPACE_MB}`,
  // Nothing is mailed anywhere: subscriber mail goes to the outbox folder of this run.
  EMAIL_OUTBOX_DIR: path.join(dataDir, 'outbox'),
  SMTP_URL: '',
}

type Server = { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; dead: () => boolean }
let server: Server | undefined
let restarts = 0

const startServer = async (): Promise<Server> => {
  let output = ''
  // `npm start` without npm in between, in its own process group so it can be killed whole.
  const child = spawn(process.execPath, ['dist/server.mjs'], { cwd: ROOT, env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  let isDead = false
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      isDead = true
      resolve({ code, signal })
    }),
  )
  const started: Server = { child, output: () => output, exited, dead: () => isDead }
  const deadline = Date.now() + 180_000
  while (Date.now() < deadline) {
    if (isDead) throw new Error(`npm start exited:\n${output.slice(-4000)}`)
    const answer = await send('GET', '/api/articles?limit=1', { timeoutMs: 5_000 })
    if (answer.status === 200) return started
    await sleep(500)
  }
  await killServer(started)
  throw new Error(`npm start did not become ready within 180 s:\n${output.slice(-4000)}`)
}

const killServer = async (target: Server | undefined, signal: NodeJS.Signals = 'SIGKILL') => {
  if (!target || target.dead()) return
  try {
    process.kill(-target.child.pid!, signal)
  } catch {
    // already gone
  }
  await Promise.race([target.exited, sleep(10_000)])
}

const runSeed = () =>
  new Promise<void>((resolve, reject) => {
    // As a user would: `npm run seed` on the server's (already migrated) database.
    const child = spawn('npm', ['run', 'seed'], { cwd: ROOT, env: { ...serverEnv, NODE_ENV: 'development', NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run seed exited ${code}:\n${output.slice(-4000)}`))))
  })

// ---------------------------------------------------------------------------------------
// The serving process and its memory
// ---------------------------------------------------------------------------------------

const readProc = (pid: number, file: string) => {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8')
  } catch {
    return ''
  }
}

/** The started pid and every descendant (a cluster child, a worker), from /proc. */
const processTree = (root: number) => {
  const children = new Map<number, number[]>()
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = readProc(Number(entry), 'stat')
    // Field 4 (ppid) comes after the command name in parentheses, which may contain spaces.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    if (!children.has(ppid)) children.set(ppid, [])
    children.get(ppid)!.push(Number(entry))
  }
  const tree: number[] = []
  const visit = (pid: number) => {
    tree.push(pid)
    for (const child of children.get(pid) ?? []) visit(child)
  }
  visit(root)
  return tree
}

const rssMiB = (pid: number) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readProc(pid, 'status'))
  return match ? Number(match[1]) / 1024 : null
}

/**
 * The process that serves: the heaviest node process in the tree under the started pid
 * (today the started process itself; if server.ts forks cluster children, the child
 * running Next and Payload is the one with the memory).
 */
const servingMemory = () => {
  if (!server || server.dead()) return { pid: null, rssMiB: null, treeRssMiB: null }
  const members = processTree(server.child.pid!)
    .map((pid) => ({ pid, rss: rssMiB(pid) }))
    .filter((member): member is { pid: number; rss: number } => member.rss !== null)
  if (!members.length) return { pid: null, rssMiB: null, treeRssMiB: null }
  const serving = members.reduce((heaviest, member) => (member.rss > heaviest.rss ? member : heaviest))
  return { pid: serving.pid, rssMiB: serving.rss, treeRssMiB: members.reduce((sum, member) => sum + member.rss, 0) }
}

// ---------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------

type Answer = { status: number; bytes: number; ms: number; error?: string; body: string }

/** One request on a fresh connection to 127.0.0.1; never rejects. */
const send = (method: string, pathAndQuery: string, options: { body?: string; headers?: Record<string, string>; timeoutMs?: number } = {}) =>
  new Promise<Answer>((resolve) => {
    const started = performance.now()
    const body = options.body === undefined ? undefined : Buffer.from(options.body)
    const headers: Record<string, string> = { ...options.headers }
    if (body) headers['Content-Length'] = String(body.length)
    let settled = false
    const finish = (answer: Omit<Answer, 'ms'>) => {
      if (settled) return
      settled = true
      resolve({ ...answer, ms: performance.now() - started })
    }
    const request = http.request(`${BASE_URL}${pathAndQuery}`, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = []
      let bytes = 0
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        // Keep the start only: some answers are huge.
        if (bytes <= 4_096) chunks.push(chunk)
      })
      response.once('end', () => finish({ status: response.statusCode ?? 0, bytes, body: Buffer.concat(chunks).toString('utf8').slice(0, 4_096) }))
      response.once('error', (error) => finish({ status: response.statusCode ?? 0, bytes, error: error.message, body: '' }))
    })
    request.once('error', (error) => finish({ status: 0, bytes: 0, error: error.message, body: '' }))
    request.setTimeout(options.timeoutMs ?? SCENARIO_TIMEOUT_MS, () => {
      finish({ status: 0, bytes: 0, error: `no answer in ${Math.round((options.timeoutMs ?? SCENARIO_TIMEOUT_MS) / 1000)} s`, body: '' })
      request.destroy()
    })
    request.end(body)
  })

/**
 * Streams `totalBytes` of a JSON-looking body with Transfer-Encoding: chunked (no
 * Content-Length), and stops sending as soon as the server answers or closes.
 */
const sendChunked = (pathAndQuery: string, totalBytes: number, timeoutMs: number) =>
  new Promise<Answer & { bytesSent: number }>((resolve) => {
    const started = performance.now()
    let bytesSent = 0
    let settled = false
    let stopSending = false
    const finish = (answer: Omit<Answer, 'ms'>) => {
      if (settled) return
      settled = true
      stopSending = true
      clearTimeout(timer)
      request.destroy()
      resolve({ ...answer, ms: performance.now() - started, bytesSent })
    }
    const request = http.request(`${BASE_URL}${pathAndQuery}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, agent: false }, (response) => {
      stopSending = true
      const chunks: Buffer[] = []
      let bytes = 0
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        if (bytes <= 4_096) chunks.push(chunk)
      })
      response.once('end', () => finish({ status: response.statusCode ?? 0, bytes, body: Buffer.concat(chunks).toString('utf8').slice(0, 4_096) }))
      response.once('error', (error) => finish({ status: response.statusCode ?? 0, bytes, error: error.message, body: '' }))
    })
    request.once('error', (error) => finish({ status: 0, bytes: 0, error: error.message, body: '' }))
    request.once('close', () => finish({ status: 0, bytes: 0, error: 'connection closed before an answer', body: '' }))
    const timer = setTimeout(() => finish({ status: 0, bytes: 0, error: `no answer in ${Math.round(timeoutMs / 1000)} s`, body: '' }), timeoutMs)
    // A string value that never ends: `{"email":"aaaa…` (64 KiB per chunk).
    const opening = Buffer.from('{"email":"')
    const filler = Buffer.alloc(64 * 1024, 'a')
    const pump = () => {
      while (!stopSending && bytesSent < totalBytes) {
        const chunk = bytesSent === 0 ? opening : filler
        bytesSent += chunk.length
        if (!request.write(chunk)) return void request.once('drain', pump)
      }
      if (!stopSending) request.end('"}')
    }
    pump()
  })

// ---------------------------------------------------------------------------------------
// The plain reader: GET /api/articles?limit=1 every 50 ms, one at a time
// ---------------------------------------------------------------------------------------

const PLAIN_READ = '/api/articles?limit=1'

const startReader = () => {
  const latencies: number[] = []
  let failures = 0
  let running = true
  const loop = (async () => {
    while (running) {
      const tick = performance.now()
      const answer = await send('GET', PLAIN_READ, { timeoutMs: PROBE_TIMEOUT_MS })
      // A read that failed or timed out counts with the time it took (at least the timeout).
      latencies.push(answer.ms)
      if (answer.status !== 200) failures++
      const wait = PROBE_INTERVAL_MS - (performance.now() - tick)
      if (wait > 0 && running) await sleep(wait)
    }
  })()
  return async () => {
    running = false
    await loop
    return summarise(latencies, failures)
  }
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN)
const summarise = (latencies: number[], failures: number) => {
  const sorted = [...latencies].sort((a, b) => a - b)
  return { reads: latencies.length, failed: failures, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted[sorted.length - 1] ?? NaN) }
}
const round = (value: number | null, digits = 1) => (value === null || Number.isNaN(value) ? null : Number(value.toFixed(digits)))

// ---------------------------------------------------------------------------------------
// The scenarios
// ---------------------------------------------------------------------------------------

/**
 * `Articles(limit:100){docs{conditions{relatedArticles(limit:100){docs{…{title}}}}}}` with
 * `levels` lists of up to 100 (the root plus levels-1 nested `relatedArticles` joins).
 */
export const nestedJoinQuery = (levels: number) => {
  let inner = 'title'
  for (let level = 1; level < levels; level++) inner = `conditions{relatedArticles(limit:100){docs{${inner}}}}`
  return `{Articles(limit:100){docs{${inner}}}}`
}

/** An intro of `depth` quotes, each inside the last: ~94 bytes of JSON per level. */
export const deepQuoteIntro = (depth: number) => {
  let node: unknown = { type: 'text', text: 'Deep.', format: 0, style: '', mode: 'normal', detail: 0, version: 1 }
  for (let level = 0; level < depth; level++) node = { type: 'quote', format: '', indent: 0, version: 1, direction: 'ltr', children: [node] }
  return { root: { type: 'root', format: '', indent: 0, version: 1, direction: 'ltr', children: [node] } }
}

const FRAGMENT_CYCLE_QUERY = `query Cycle { Articles(limit: 100) { docs { ...ArticleParts } } }
fragment ArticleParts on Article { title conditions { ...ConditionParts } }
fragment ConditionParts on Condition { name relatedArticles(limit: 100) { docs { ...ArticleParts } } }`

type Outcome = { status: string; answerMs: number | null; bytes?: number; detail: string }
type Scenario = { name: string; what: string; run: (context: { editorToken: string }) => Promise<Outcome> }

const graphqlBody = (query: string) => JSON.stringify({ query })
const describeAnswer = (answer: Answer) => {
  if (answer.error && !answer.status) return answer.error
  if (answer.status && !answer.body) return 'empty body'
  let detail = ''
  try {
    const json = JSON.parse(answer.body)
    detail = json?.errors?.[0]?.message || (json?.data ? 'data' : answer.body.slice(0, 120))
  } catch {
    detail = answer.body.length >= 4_096 ? 'data (body over 4 KB)' : answer.body.slice(0, 120)
  }
  return `${detail}`.slice(0, 160)
}

const scenarios: Scenario[] = [
  ...[3, 4, 5].map(
    (levels): Scenario => ({
      name: `nested-join-${levels}`,
      what: `GraphQL nested join, ${levels} levels of limit:100 (anonymous)`,
      run: async () => {
        const answer = await send('POST', '/api/graphql', { body: graphqlBody(nestedJoinQuery(levels)), headers: { 'Content-Type': 'application/json' } })
        return { status: answer.status ? String(answer.status) : 'none', answerMs: answer.status ? answer.ms : null, bytes: answer.bytes, detail: describeAnswer(answer) }
      },
    }),
  ),
  ...(['/api/subscribe', '/api/graphql'] as const).map(
    (target): Scenario => ({
      name: `chunked-100mb-${target.split('/').pop()}`,
      what: `chunked 100 MB body, no Content-Length, to POST ${target}`,
      run: async () => {
        const answer = await sendChunked(target, 100 * 1024 * 1024, SCENARIO_TIMEOUT_MS)
        return {
          status: answer.status ? String(answer.status) : 'none',
          answerMs: answer.status ? answer.ms : null,
          bytes: answer.bytes,
          detail: `${(answer.bytesSent / 1024 / 1024).toFixed(1)} MiB sent before it stopped; ${describeAnswer(answer)}`,
        }
      },
    }),
  ),
  {
    name: 'deep-previews-30',
    what: '30 concurrent POST /api/newsletters/preview, intro of 2,000 nested quotes (editor)',
    run: async ({ editorToken }) => {
      const body = JSON.stringify({ subject: 'Deep', intro: deepQuoteIntro(2_000), template: 'newsletter' })
      const started = performance.now()
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => send('POST', '/api/newsletters/preview', { body, headers: { 'Content-Type': 'application/json', Authorization: `JWT ${editorToken}` } })),
      )
      const statuses = new Map<string, number>()
      for (const answer of answers) {
        const key = answer.status ? String(answer.status) : answer.error ?? 'none'
        statuses.set(key, (statuses.get(key) ?? 0) + 1)
      }
      return {
        status: [...statuses].map(([status, count]) => `${count}×${status}`).join(' '),
        // Until the last one settled, answered or not (a crash resets them all).
        answerMs: performance.now() - started,
        detail: `body ${(body.length / 1024).toFixed(0)} KiB each; ${describeAnswer(answers.find((answer) => answer.status) ?? answers[0])}`,
      }
    },
  },
  {
    name: 'fragment-cycle',
    what: 'GraphQL fragment cycle Article → Condition → Article (anonymous)',
    run: async () => {
      const answer = await send('POST', '/api/graphql', { body: graphqlBody(FRAGMENT_CYCLE_QUERY), headers: { 'Content-Type': 'application/json' } })
      return { status: answer.status ? String(answer.status) : 'none', answerMs: answer.status ? answer.ms : null, bytes: answer.bytes, detail: describeAnswer(answer) }
    },
  },
]

// ---------------------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------------------

type Row = {
  name: string
  what: string
  status: string
  answerMs: number | null
  bytes?: number
  detail: string
  plainRead: ReturnType<typeof summarise>
  plainReadP50VsBaseline: number | null
  rssBeforeMiB: number | null
  rssAfterMiB: number | null
  servingPid: number | null
  survived: boolean
  death?: string
  restarted: boolean
}

const cleanup = createCleanup('the server', async () => {
  await killServer(server)
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const ensureServer = async () => {
  if (server && !server.dead()) return false
  log(restarts ? 'restarting the server for the next scenario...' : 'starting the server...')
  server = await startServer()
  // The first GraphQL request builds Payload's schema (about a second): not the scenario's cost.
  await send('POST', '/api/graphql', { body: graphqlBody('{ Clinic { name } }'), headers: { 'Content-Type': 'application/json' } })
  if (restarts++ === 0) return false
  return true
}

const staffToken = async () => {
  const ADMIN = { email: 'owner@bench.test', password: 'bench-password-0123456789' }
  const EDITOR = { email: 'editor@bench.test', password: 'bench-password-0123456789' }
  const post = (pathname: string, body: unknown, token?: string) =>
    send('POST', pathname, { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `JWT ${token}` } : {}) } })
  // The first user (the admin) through the admin's own first-register endpoint; the editor created by the admin.
  const registered = await post('/api/users/first-register', { ...ADMIN, 'confirm-password': ADMIN.password, name: 'Bench Owner' })
  if (registered.status !== 200 && registered.status !== 201) throw new Error(`first-register answered ${registered.status}: ${registered.body}`)
  const adminToken = JSON.parse((await post('/api/users/login', ADMIN)).body).token as string
  const created = await post('/api/users', { ...EDITOR, name: 'Bench Editor', roles: ['editor'] }, adminToken)
  if (created.status !== 201) throw new Error(`creating the editor answered ${created.status}: ${created.body}`)
  const login = await post('/api/users/login', EDITOR)
  const token = JSON.parse(login.body).token as string | undefined
  if (!token) throw new Error(`editor login answered ${login.status}: ${login.body}`)
  return token
}

const main = async () => {
  if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID')) || !fs.existsSync(path.join(ROOT, 'dist', 'server.mjs'))) {
    console.error('No production build (.next/BUILD_ID or dist/server.mjs is missing): run `npm run build` first.')
    process.exit(1)
  }
  const machine = machineInfo()
  log(`machine: nproc ${machine.nproc}, ${machine.cpuModel}, ${machine.totalMemoryGiB} GiB, node ${machine.node}, ${machine.platform}`)
  log(`load average before the run: ${machine.loadAverage.join(' ')}`)
  log(`server: node dist/server.mjs on ${BASE_URL}, NODE_OPTIONS=--max-old-space-size=${MAX_OLD_SPACE_MB}, data in ${dataDir}; ${SCENARIO_TIMEOUT_MS / 1000} s per scenario`)

  await ensureServer()
  log('seeding the demo content (npm run seed)...')
  await runSeed()
  const editorToken = await staffToken()
  const counts = JSON.parse((await send('POST', '/api/graphql', { body: graphqlBody('{countArticles{totalDocs} countConditions{totalDocs}}'), headers: { 'Content-Type': 'application/json' } })).body)
  log(`demo content: ${counts?.data?.countArticles?.totalDocs} articles, ${counts?.data?.countConditions?.totalDocs} conditions; editor logged in`)

  // The baseline: the same plain reads with nothing else going on.
  await send('GET', PLAIN_READ)
  const stopBaseline = startReader()
  await sleep(BASELINE_MS)
  const baseline = await stopBaseline()
  log(`baseline plain read (${BASELINE_MS / 1000} s, no attack): p50 ${baseline.p50Ms} ms, max ${baseline.maxMs} ms over ${baseline.reads} reads`)

  const rows: Row[] = []
  for (const scenario of scenarios) {
    if (ONLY && !ONLY.has(scenario.name)) continue
    const restarted = await ensureServer()
    await send('GET', PLAIN_READ)
    const before = servingMemory()
    log(`${scenario.name}: ${scenario.what}...`)
    const stopReader = startReader()
    const deadline = sleep(SCENARIO_TIMEOUT_MS + 5_000).then((): Outcome => ({ status: 'none', answerMs: null, detail: `no answer in ${SCENARIO_TIMEOUT_MS / 1000} s` }))
    const running = server!
    const died = running.exited.then(
      (exit): Outcome => ({ status: 'died', answerMs: null, detail: `server exited (${exit.signal ?? `code ${exit.code}`})` }),
    )
    const diedAt = running.exited.then(() => performance.now())
    const started = performance.now()
    let outcome = await Promise.race([scenario.run({ editorToken }), deadline, died])
    const plainRead = await stopReader()
    // A crash shows a moment after its last connections were reset.
    await sleep(1_000)
    if (running.dead()) {
      const exitedAfter = (await diedAt) - started
      outcome = { ...outcome, status: outcome.status === 'died' ? 'died' : `${outcome.status} (died)`, detail: `died ${(exitedAfter / 1000).toFixed(1)} s after the start; ${outcome.detail}` }
    }
    const after = servingMemory()
    const survived = !running.dead()
    let death: string | undefined
    if (!survived) {
      const exit = await running.exited
      const lastLines = running
        .output()
        .split('\n')
        .filter((line) => /fatal|error|allocation|heap|RangeError|Killed|abort/i.test(line))
        .slice(-3)
        .join(' | ')
      death = `${exit.signal ?? `exit code ${exit.code}`}${lastLines ? `: ${lastLines.slice(0, 300)}` : ''}`
    } else if (outcome.status === 'none') {
      // No answer in time: the server is stuck on it; kill it so the next scenario starts clean.
      death = 'killed by the bench after the timeout'
      await killServer(running)
    }
    const row: Row = {
      name: scenario.name,
      what: scenario.what,
      ...outcome,
      answerMs: round(outcome.answerMs, 0),
      plainRead,
      plainReadP50VsBaseline: plainRead.p50Ms && baseline.p50Ms ? round(plainRead.p50Ms / baseline.p50Ms, 1) : null,
      rssBeforeMiB: round(before.rssMiB, 0),
      rssAfterMiB: round(after.rssMiB, 0),
      servingPid: before.pid,
      survived: survived && outcome.status !== 'none',
      death,
      restarted,
    }
    rows.push(row)
    log(
      `${scenario.name}: ${row.status} in ${row.answerMs ?? '—'} ms; plain read p50 ${plainRead.p50Ms} / max ${plainRead.maxMs} ms; RSS ${row.rssBeforeMiB} → ${row.rssAfterMiB ?? '—'} MiB; ${row.survived ? 'survived' : `DID NOT SURVIVE (${death})`}`,
    )
  }

  const header = ['scenario', 'status', 'answer ms', 'reads (failed)', 'read p50 ms', 'read max ms', 'p50 vs idle', 'RSS before MiB', 'RSS after MiB', 'survived', 'detail']
  const table = [
    header,
    ['(idle baseline)', '', '', `${baseline.reads} (${baseline.failed})`, String(baseline.p50Ms), String(baseline.maxMs), '1.0x', '', '', '', `${BASELINE_MS / 1000} s with no attack`],
    ...rows.map((row) => [
      row.name,
      row.status,
      row.answerMs === null ? `none in ${SCENARIO_TIMEOUT_MS / 1000} s` : String(row.answerMs),
      `${row.plainRead.reads} (${row.plainRead.failed})`,
      String(row.plainRead.p50Ms),
      String(row.plainRead.maxMs),
      row.plainReadP50VsBaseline === null ? '' : `${row.plainReadP50VsBaseline}x`,
      String(row.rssBeforeMiB ?? ''),
      row.rssAfterMiB === null ? 'dead' : String(row.rssAfterMiB),
      row.survived ? 'yes' : `NO${row.death ? ` (${row.death.split(':')[0]})` : ''}`,
      row.detail.slice(0, 90),
    ]),
  ]
  const widths = header.map((_, column) => Math.max(...table.map((line) => line[column].length)))
  const printed = table.map((line) => `| ${line.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`)
  printed.splice(1, 0, `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`)
  const note = [
    `server: npm start (dist/server.mjs), NODE_OPTIONS=--max-old-space-size=${MAX_OLD_SPACE_MB}; ${SCENARIO_TIMEOUT_MS / 1000} s per scenario, then the server is killed and restarted`,
    `plain read: GET ${PLAIN_READ} every ${PROBE_INTERVAL_MS} ms, one at a time (anonymous: served by the response cache, so it measures the server's event loop); a read that fails or gets no answer in ${PROBE_TIMEOUT_MS / 1000} s counts as failed, with its time`,
    `RSS: VmRSS of the heaviest process in the tree under the started pid, 1 s after the scenario; restarts after a death or timeout: ${Math.max(0, restarts - 1)}`,
  ].join('\n')
  ;(JSON_OUTPUT ? console.error : console.log)(`\n${printed.join('\n')}\n${note}`)
  for (const row of rows.filter((row) => row.death)) (JSON_OUTPUT ? console.error : console.log)(`  ${row.name}: ${row.death}`)
  const result = { machine, maxOldSpaceMiB: MAX_OLD_SPACE_MB, scenarioTimeoutMs: SCENARIO_TIMEOUT_MS, baseline, rows }
  const resultsDir = path.join(ROOT, 'bench', 'results')
  fs.mkdirSync(resultsDir, { recursive: true })
  const resultFile = path.join(resultsDir, `abuse-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  fs.writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`)
  log(`results written to ${path.relative(ROOT, resultFile)}`)
  if (JSON_OUTPUT) console.log(JSON.stringify(result, null, 2))
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(() => cleanup.run())
