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
import fs from 'node:fs'
import path from 'node:path'

import { machineInfo } from '../lib/machine'
import { ROOT, JSON_OUTPUT, ONLY, SCENARIO_TIMEOUT_MS, MAX_OLD_SPACE_MB, BASE_URL, PROBE_INTERVAL_MS, PROBE_TIMEOUT_MS, BASELINE_MS, log, sleep } from './settings'
import { dataDir, server, restarts, killServer, runSeed, servingMemory, ensureServer } from './server'
import { send } from './http'
import { PLAIN_READ, startReader, summarise, round } from './reader'
import { type Outcome, graphqlBody, scenarios } from './scenarios'

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
