/**
 * `npm run bench:schedule-latency`: how late scheduled publishes become visible to anonymous
 * GraphQL readers, with 1 worker and then 3 workers, against the production build; plus what an
 * idle worker costs. See bench/schedule-latency/README.md.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { richText } from '../../tests/helpers/fixtures'
import { httpApi, ROOT, startProductionServer, type RunningServer } from '../../tests/helpers/server'
import { startWorker, type WorkerProcess } from '../../tests/helpers/worker'
import { clockTicksPerSecond, cpuTimeMs, ioCounters, machineCpu, pidsWithEnv, totalCpuMs } from './proc'
import { applyEvents, parseWorkerLog, stoppedStats, type ApplyEvent, type StoppedStats } from './worker-log'
import { createCleanup } from '../lib/cleanup'
import { machineInfo } from '../lib/machine'

// ---- settings ----

const positiveInt = (name: string, fallback: number) => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a whole number >= 1 (got "${raw}").`)
    process.exit(1)
  }
  return value
}

const SETTINGS = {
  articlesPerRound: positiveInt('BENCH_ARTICLES', 50),
  /** Instants are drawn uniformly in [now + earliest, now + latest]. */
  earliestMs: 3_000,
  latestMs: 30_000,
  /** Not visible this long after its instant: missed. */
  missedAfterMs: 10_000,
  idleSeconds: positiveInt('BENCH_IDLE_SECONDS', 20),
  /** The goal. */
  maxLatenessGoalMs: 250,
  /** Pause between two polls (0: back to back; at most 5). */
  pollPauseMs: (() => {
    const raw = process.env.BENCH_POLL_PAUSE_MS ?? ''
    const value = raw === '' ? 0 : Number(raw)
    if (!Number.isInteger(value) || value < 0 || value > 5) {
      console.error(`BENCH_POLL_PAUSE_MS must be a whole number from 0 to 5 (got "${raw}").`)
      process.exit(1)
    }
    return value
  })(),
  rounds: [1, 3],
}

const EMAIL = 'bench-owner@clinic.test'
const PASSWORD = 'bench-correct-horse-battery-staple'

// ---- cleanup, also on Ctrl+C (the Next server runs in its own process group) ----

const runningWorkers = new Set<WorkerProcess>()
/** Workers the bench itself is stopping; any other exit was done to them from outside. */
const stoppedByBench = new WeakSet<WorkerProcess>()
type UnexpectedExit = { pid: number; code: number | null; signal: string | null; at: string }
const unexpectedExits = new Map<WorkerProcess, UnexpectedExit>()

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** SIGTERM, then SIGKILL if it has not exited within 5 s. Resolves with how it ended. */
const stopWorker = async (worker: WorkerProcess): Promise<'exited' | 'killed'> => {
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

const cleanup = createCleanup('the workers and the server', () =>
  Promise.all([...runningWorkers].map((worker) => stopWorker(worker).catch(() => undefined))),
)

const log = (message: string) => console.log(`[bench] ${message}`)

// ---- small helpers ----

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] : NaN)

type Summary = { n: number; min: number; p50: number; p99: number; max: number }
const summarise = (values: number[]): Summary => {
  const sorted = [...values].sort((a, b) => a - b)
  return { n: sorted.length, min: sorted[0] ?? NaN, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN }
}
const ms = (value: number) => (Number.isFinite(value) ? String(Math.round(value)) : '-')
const fmtSummary = (summary: Summary) => `min ${ms(summary.min)} / p50 ${ms(summary.p50)} / p99 ${ms(summary.p99)} / max ${ms(summary.max)} ms`

/** Runs `task` over `items`, `concurrency` at a time, keeping the order of the results. */
const mapLimit = async <T, R>(items: T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> => {
  const results = new Array<R>(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++
        results[index] = await task(items[index])
      }
    }),
  )
  return results
}

// ---- the API, over HTTP, as a client would use it ----

const makeApi = (baseUrl: string) => {
  let token: string | undefined
  const call = (method: 'GET' | 'POST', pathAndQuery: string, body?: unknown) => httpApi(baseUrl, method, pathAndQuery, { body, token })
  const expect = async (method: 'GET' | 'POST', pathAndQuery: string, status: number, body?: unknown) => {
    const response = await call(method, pathAndQuery, body)
    if (response.status !== status) {
      throw new Error(`${method} /api${pathAndQuery} answered ${response.status} (expected ${status}): ${response.text.slice(0, 1000)}`)
    }
    return response.json
  }
  return {
    call,
    expect,
    setToken: (value: string) => (token = value),
  }
}
type Api = ReturnType<typeof makeApi>

// ---- the reader: anonymous GraphQL, one request at a time ----

const SEEN_QUERY = `query Seen($where: Article_where) { Articles(where: $where, limit: 100) { docs { id } } }`

type Sighting = { start: number; end: number; poll: number }

class Poller {
  readonly seen = new Map<string, Sighting>()
  /** Start of the last request whose answer did not contain the id yet. */
  readonly lastAbsentStart = new Map<string, number>()
  readonly durations: number[] = []
  polls = 0
  errors = 0
  lastError?: string
  private stopped = false
  readonly done: Promise<void>

  constructor(
    private readonly url: string,
    private readonly ids: string[],
  ) {
    this.done = this.loop()
  }

  stop() {
    this.stopped = true
    return this.done
  }

  private async loop() {
    while (!this.stopped) {
      const unseen = this.ids.filter((id) => !this.seen.has(id))
      if (!unseen.length) return
      const where = { OR: unseen.map((id) => ({ id: { equals: Number(id) } })) }
      const start = Date.now()
      try {
        const response = await fetch(`${this.url}/api/graphql`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ query: SEEN_QUERY, variables: { where } }),
        })
        const json: any = await response.json()
        const end = Date.now()
        const docs = json?.data?.Articles?.docs
        if (response.status !== 200 || json?.errors || !Array.isArray(docs)) {
          this.errors++
          this.lastError = `${response.status} ${JSON.stringify(json).slice(0, 500)}`
          await sleep(5)
          continue
        }
        this.polls++
        this.durations.push(end - start)
        const returned = new Set(docs.map((doc: { id: number | string }) => String(doc.id)))
        for (const id of unseen) {
          if (returned.has(id)) this.seen.set(id, { start, end, poll: this.polls })
          else this.lastAbsentStart.set(id, start)
        }
      } catch (error) {
        this.errors++
        this.lastError = error instanceof Error ? error.message : String(error)
        await sleep(5)
        continue
      }
      if (SETTINGS.pollPauseMs) await sleep(SETTINGS.pollPauseMs)
    }
  }
}

// ---- one round ----

type ArticleRecord = {
  id: string
  slug: string
  /** The scheduled instant (ms since the epoch). */
  instant: number
  /** How far ahead of its instant the schedule request had been answered. */
  scheduledAheadMs: number
  seenStart: number | null
  seenEnd: number | null
  lastAbsentStart: number | null
  /** Reader lateness: end of the first response that contained it, minus the instant. */
  latenessMs: number | null
  early: boolean
  /** The first response containing it had started before the instant (not proof of anything). */
  requestStartedBeforeInstant: boolean
  missed: boolean
  versionsBefore: number
  versionsAfter: number
  newVersions: number
  duplicated: boolean
  job: { id: string; state: string; appliedAt: number | null; dbLatenessMs: number | null; leaseOwner: string | null; attempts: number } | null
  /** Worker log: successful applies of this article, and the worker's own lateness (after commit). */
  applies: number
  workerLatenessMs: number | null
  appliedBy: string | null
}

type RoundResult = {
  name: string
  workers: number
  articles: number
  seen: number
  latenessMs: Summary
  early: number
  missed: number
  duplicated: number
  goalMet: boolean
  /** The worker's own figure from its log: commit time minus the instant. */
  workerLatenessMs: Summary
  /** From the job rows: transaction start (appliedAt) minus the instant. */
  dbAppliedLatenessMs: Summary
  /** Reader lateness minus worker lateness: commit to first response that showed it. */
  commitToReaderMs: Summary
  /** First showing response end minus last non-showing request start: the measurement's resolution. */
  uncertaintyMs: Summary
  pollMs: Summary & { polls: number; errors: number; lastError?: string }
  /** Worker log lateness minus job appliedAt lateness: how long one apply took, per worker in apply order. */
  applyMsByWorker: Record<string, number[]>
  /** The first apply of each worker process, and all the others. */
  firstApplyMs: number[]
  laterApplyMs: Summary
  minScheduledAheadMs: number
  /** Cores in use from the first schedule request to the end of polling (CPU time / wall time). */
  cpu: { wallS: number; machineCores: number; machineBusy: number; server: number; workers: number; reader: number; other: number }
  appliedPerWorker: Record<string, number>
  workerApplyFailures: number
  jobsNotDone: number
  /** Workers that exited during the round without the bench stopping them (killed from outside). */
  unexpectedExits: UnexpectedExit[]
  workerStats: StoppedStats[]
  records: ArticleRecord[]
}

type Context = { server: RunningServer; api: Api; workerEnv: Record<string, string>; serverPids: number[] }

let articleCounter = 0

const launchWorkers = async (ctx: Context, count: number) => {
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

const countVersions = async (api: Api, id: string) => {
  const json = await api.expect('GET', `/articles/versions?where[parent][equals]=${encodeURIComponent(id)}&limit=1&depth=0`, 200)
  return Number(json.totalDocs)
}

const fetchJobs = async (api: Api) => {
  const json = await api.expect('GET', '/payload-jobs?where[taskSlug][equals]=schedulePublish&limit=1000&depth=0&pagination=false', 200)
  return json.docs as any[]
}

const runRound = async (ctx: Context, name: string, workerCount: number) => {
  const { api, server } = ctx
  log(`${name}: starting ${workerCount} worker(s) and waiting for scheduler.started...`)
  const workers = await launchWorkers(ctx, workerCount)
  log(`${name}: worker pid(s) ${workers.map((worker) => worker.child.pid).join(', ')} ready`)

  log(`${name}: creating ${SETTINGS.articlesPerRound} draft articles...`)
  const drafts = await mapLimit(Array.from({ length: SETTINGS.articlesPerRound }, (_, index) => index), 4, async () => {
    const n = ++articleCounter
    const slug = `bench-schedule-${n}-${Date.now().toString(36)}`
    const json = await api.expect('POST', '/articles?draft=true', 201, {
      title: `Scheduled bench article ${n}`,
      slug,
      content: richText(`Body of scheduled bench article ${n}.`),
      _status: 'draft',
    })
    return { id: String(json.doc.id), slug }
  })
  const versionsBefore = await mapLimit(drafts, 4, (draft) => countVersions(api, draft.id))

  // The reader starts before anything is scheduled: a draft that shows up is early.
  const workerPids = workers.map((worker) => worker.child.pid!)
  const cpuAt = () => ({
    at: Date.now(),
    machine: machineCpu(),
    server: totalCpuMs(ctx.serverPids),
    workers: totalCpuMs(workerPids),
    reader: (({ user, system }) => (user + system) / 1000)(process.cpuUsage()),
  })
  const cpuStart = cpuAt()
  const poller = new Poller(server.url, drafts.map((draft) => draft.id))
  const t0 = Date.now()
  const plan = drafts
    .map((draft, index) => ({
      ...draft,
      versionsBefore: versionsBefore[index],
      instant: t0 + SETTINGS.earliestMs + Math.round(Math.random() * (SETTINGS.latestMs - SETTINGS.earliestMs)),
      scheduledAheadMs: 0,
    }))
    // Scheduled soonest first, so that every change is created well ahead of its instant.
    .sort((a, b) => a.instant - b.instant)
  log(`${name}: scheduling ${plan.length} publishes between +${SETTINGS.earliestMs / 1000} s and +${SETTINGS.latestMs / 1000} s...`)
  try {
    for (const item of plan) {
      await api.expect('POST', `/articles/${item.id}/schedule`, 201, { action: 'publish', at: new Date(item.instant).toISOString() })
      item.scheduledAheadMs = item.instant - Date.now()
    }
  } catch (error) {
    await poller.stop()
    throw error
  }
  const minAhead = Math.min(...plan.map((item) => item.scheduledAheadMs))
  log(`${name}: all scheduled in ${Date.now() - t0} ms (closest: ${minAhead} ms ahead of its instant); polling GraphQL...`)
  if (minAhead < 1_500) log(`WARNING: a change was scheduled only ${minAhead} ms ahead: it may be late through no fault of the worker`)

  const lastDeadline = Math.max(...plan.map((item) => item.instant)) + SETTINGS.missedAfterMs
  await Promise.race([poller.done, sleep(Math.max(0, lastDeadline - Date.now()))])
  await poller.stop()
  const cpuEnd = cpuAt()
  log(`${name}: ${poller.seen.size}/${plan.length} seen after ${poller.polls} polls; waiting out the window before counting versions...`)
  // Leave every change at least missedAfterMs after its instant for a second apply to show up.
  await sleep(Math.max(0, lastDeadline - Date.now()))

  const versionsAfter = await mapLimit(plan, 4, (item) => countVersions(api, item.id))
  const jobs = await fetchJobs(api)
  const jobByArticle = new Map<string, any[]>()
  for (const job of jobs) {
    const id = String(job.input?.doc?.value)
    jobByArticle.set(id, [...(jobByArticle.get(id) ?? []), job])
  }
  const applies: ApplyEvent[] = workers.flatMap((worker) => applyEvents(parseWorkerLog(worker.output())))

  const records: ArticleRecord[] = plan.map((item, index) => {
    const sighting = poller.seen.get(item.id)
    const lateness = sighting ? sighting.end - item.instant : null
    const articleJobs = jobByArticle.get(item.id) ?? []
    const job = articleJobs[0]
    const applied = applies.filter((event) => event.id === item.id && event.outcome === 'applied')
    const newVersions = versionsAfter[index] - item.versionsBefore
    return {
      id: item.id,
      slug: item.slug,
      instant: item.instant,
      scheduledAheadMs: item.scheduledAheadMs,
      seenStart: sighting?.start ?? null,
      seenEnd: sighting?.end ?? null,
      lastAbsentStart: poller.lastAbsentStart.get(item.id) ?? null,
      latenessMs: lateness,
      early: sighting ? sighting.end < item.instant : false,
      requestStartedBeforeInstant: sighting ? sighting.start < item.instant : false,
      missed: lateness === null || lateness > SETTINGS.missedAfterMs,
      versionsBefore: item.versionsBefore,
      versionsAfter: versionsAfter[index],
      newVersions,
      duplicated: newVersions > 1 || applied.length > 1 || articleJobs.length > 1,
      job: job
        ? {
            id: String(job.id),
            state: String(job.state),
            appliedAt: job.appliedAt ? Date.parse(job.appliedAt) : null,
            dbLatenessMs: typeof job.latenessMs === 'number' ? job.latenessMs : null,
            leaseOwner: job.leaseOwner ?? null,
            attempts: Number(job.totalTried ?? 0),
          }
        : null,
      applies: applied.length,
      workerLatenessMs: applied[0]?.latenessMs ?? null,
      appliedBy: applied[0]?.worker ?? null,
    }
  })

  const inTime = records.filter((record) => !record.missed && record.latenessMs !== null)
  const latenessMs = summarise(inTime.map((record) => record.latenessMs!))
  const early = records.filter((record) => record.early).length
  const missed = records.filter((record) => record.missed).length
  const duplicated = records.filter((record) => record.duplicated).length
  const applyMsByWorker: Record<string, number[]> = {}
  for (const record of [...records].sort((a, b) => (a.job?.appliedAt ?? 0) - (b.job?.appliedAt ?? 0))) {
    if (record.appliedBy === null || record.workerLatenessMs === null || record.job?.dbLatenessMs == null) continue
    ;(applyMsByWorker[record.appliedBy] ??= []).push(record.workerLatenessMs - record.job.dbLatenessMs)
  }
  const appliedPerWorker: Record<string, number> = {}
  for (const event of applies.filter((entry) => entry.outcome === 'applied')) {
    appliedPerWorker[event.worker] = (appliedPerWorker[event.worker] ?? 0) + 1
  }
  const result: RoundResult = {
    name,
    workers: workerCount,
    articles: records.length,
    seen: records.filter((record) => record.seenEnd !== null).length,
    latenessMs,
    early,
    missed,
    duplicated,
    goalMet:
      early === 0 &&
      missed === 0 &&
      duplicated === 0 &&
      latenessMs.max <= SETTINGS.maxLatenessGoalMs &&
      !workers.some((worker) => unexpectedExits.has(worker)),
    workerLatenessMs: summarise(records.flatMap((record) => (record.workerLatenessMs === null ? [] : [record.workerLatenessMs]))),
    dbAppliedLatenessMs: summarise(records.flatMap((record) => (record.job?.dbLatenessMs == null ? [] : [record.job.dbLatenessMs]))),
    commitToReaderMs: summarise(
      records.flatMap((record) =>
        record.latenessMs === null || record.workerLatenessMs === null ? [] : [record.latenessMs - record.workerLatenessMs],
      ),
    ),
    uncertaintyMs: summarise(
      records.flatMap((record) =>
        record.seenEnd === null || record.lastAbsentStart === null ? [] : [record.seenEnd - record.lastAbsentStart],
      ),
    ),
    pollMs: { ...summarise(poller.durations), polls: poller.polls, errors: poller.errors, ...(poller.lastError ? { lastError: poller.lastError } : {}) },
    applyMsByWorker,
    firstApplyMs: Object.values(applyMsByWorker).map((durations) => durations[0]),
    laterApplyMs: summarise(Object.values(applyMsByWorker).flatMap((durations) => durations.slice(1))),
    minScheduledAheadMs: minAhead,
    cpu: (() => {
      const wallMs = cpuEnd.at - cpuStart.at
      const cores = (cpuMs: number) => Number((cpuMs / wallMs).toFixed(3))
      const machineCores = os.availableParallelism()
      const machineBusy = Number(
        (((cpuEnd.machine.busy - cpuStart.machine.busy) / (cpuEnd.machine.total - cpuStart.machine.total)) * machineCores).toFixed(3),
      )
      const server = cores(cpuEnd.server - cpuStart.server)
      const workersCores = cores(cpuEnd.workers - cpuStart.workers)
      const reader = cores(cpuEnd.reader - cpuStart.reader)
      const other = Number(Math.max(0, machineBusy - server - workersCores - reader).toFixed(3))
      return { wallS: wallMs / 1000, machineCores, machineBusy, server, workers: workersCores, reader, other }
    })(),
    appliedPerWorker,
    workerApplyFailures: applies.filter((event) => event.outcome !== 'applied').length,
    jobsNotDone: records.filter((record) => record.job?.state !== 'done').length,
    unexpectedExits: workers.flatMap((worker) => (unexpectedExits.has(worker) ? [unexpectedExits.get(worker)!] : [])),
    workerStats: [],
    records,
  }
  return { result, workers }
}

/** Stops the workers gracefully and reads their `scheduler.stopped` figures. */
const stopWorkers = async (workers: WorkerProcess[]) => {
  const endings = await Promise.all(workers.map((worker) => stopWorker(worker)))
  return workers.map((worker, index) => {
    const stats = stoppedStats(parseWorkerLog(worker.output()))
    if (!stats) log(`WARNING: worker ${worker.child.pid} (${endings[index]}) logged no scheduler.stopped:\n${worker.output().slice(-2000)}`)
    return stats
  })
}

// ---- idle cost ----

type IdleCost = {
  windowS: number
  pid: number
  cpuMs: number
  cpuShareOfOneCore: number
  clockTicksPerSecond: number
  readSyscallsPerSecond: number | null
  writeSyscallsPerSecond: number | null
  pendingJobsDuringWindow: number
  stopped: StoppedStats | null
  /** Lifetime discovery queries per second: the only queries an idle worker makes. */
  discoveryQueriesPerSecond: number | null
  /** As logged at stop: (discovery + claim queries) / uptime, over the whole life (round included). */
  loggedQueriesPerSecond: number | null
  /** Discovery rate × window, plus claims during the window (none: nothing was due). */
  estimatedQueriesInWindow: number | null
}

const measureIdle = async (api: Api, worker: WorkerProcess): Promise<IdleCost | undefined> => {
  const pid = worker.child.pid!
  if (unexpectedExits.has(worker) || worker.child.exitCode !== null || worker.child.signalCode !== null) {
    log(`idle: worker ${pid} is no longer running: no idle figures`)
    return undefined
  }
  const pending = (await fetchJobs(api)).filter((job) => job.state === 'queued' || job.state === 'running').length
  log(`idle: worker ${pid} idle for ${SETTINGS.idleSeconds} s with ${pending} pending changes...`)
  const cpuBefore = cpuTimeMs(pid)
  const ioBefore = ioCounters(pid)
  const start = Date.now()
  await sleep(SETTINGS.idleSeconds * 1000)
  if (unexpectedExits.has(worker)) {
    log(`idle: worker ${pid} exited during the idle window: no idle figures`)
    return undefined
  }
  const cpuAfter = cpuTimeMs(pid)
  const ioAfter = ioCounters(pid)
  const windowS = (Date.now() - start) / 1000
  const [stopped] = await stopWorkers([worker])
  const cpuMs = cpuAfter.utimeMs + cpuAfter.stimeMs - cpuBefore.utimeMs - cpuBefore.stimeMs
  const rate = (key: string) =>
    ioBefore && ioAfter && key in ioBefore && key in ioAfter ? (ioAfter[key] - ioBefore[key]) / windowS : null
  const discoveryRate = stopped ? stopped.discoveryQueries / stopped.uptimeS : null
  return {
    windowS,
    pid,
    cpuMs,
    cpuShareOfOneCore: cpuMs / (windowS * 1000),
    clockTicksPerSecond,
    readSyscallsPerSecond: rate('syscr'),
    writeSyscallsPerSecond: rate('syscw'),
    pendingJobsDuringWindow: pending,
    stopped: stopped ?? null,
    discoveryQueriesPerSecond: discoveryRate,
    loggedQueriesPerSecond: stopped?.queriesPerSecond ?? null,
    estimatedQueriesInWindow: discoveryRate === null ? null : discoveryRate * windowS,
  }
}

// ---- report ----

const table = (rows: string[][]) => {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)))
  const format = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')
  return [format(rows[0]), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.slice(1).map(format)].join('\n')
}

const main = async () => {
  if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    console.error('No production build (.next/BUILD_ID is missing): run `npm run build` first.')
    process.exit(1)
  }
  const machine = machineInfo()
  log(`machine: nproc ${machine.nproc}, ${machine.cpuModel}, node ${machine.node}, ${machine.platform}`)
  log(`load average before the run: ${machine.loadAverage.join(' ')}`)

  log('starting the production build (next start) on a fresh SQLite file...')
  const server = await startProductionServer('schedule-latency')
  cleanup.add(() => server.stop())
  log(`server up at ${server.url}`)

  const api = makeApi(server.url)
  const registered = await api.call('POST', '/users/first-register', { email: EMAIL, password: PASSWORD, 'confirm-password': PASSWORD })
  if (registered.status !== 200 || !registered.json?.token) {
    throw new Error(`first-register answered ${registered.status}: ${registered.text.slice(0, 1000)}`)
  }
  api.setToken((await api.expect('POST', '/users/login', 200, { email: EMAIL, password: PASSWORD })).token)

  const workerEnv: Record<string, string> = {
    DATABASE_URI: String(server.env.DATABASE_URI),
    PAYLOAD_SECRET: String(server.env.PAYLOAD_SECRET),
    MEDIA_DIR: String(server.env.MEDIA_DIR),
    // As deployed. Payload's logger pretty-prints either way.
    NODE_ENV: 'production',
  }
  // The Next server's processes (npx and next-server): only they have its SERVER_URL.
  const serverPids = pidsWithEnv('SERVER_URL', server.url)
  log(`server pids: ${serverPids.join(', ')}`)
  const ctx: Context = { server, api, workerEnv, serverPids }

  const rounds: RoundResult[] = []
  let idle: IdleCost | undefined
  for (const workerCount of SETTINGS.rounds) {
    const name = `${workerCount} worker${workerCount === 1 ? '' : 's'}`
    const { result, workers } = await runRound(ctx, name, workerCount)
    rounds.push(result)
    log(`${name}: reader lateness ${fmtSummary(result.latenessMs)}; early ${result.early}, missed ${result.missed}, duplicated ${result.duplicated}`)
    if (workerCount === 1 && !idle) idle = await measureIdle(api, workers[0])
    result.workerStats = (await stopWorkers(workers.filter((worker) => runningWorkers.has(worker)))).filter(
      (stats): stats is StoppedStats => Boolean(stats),
    )
    if (workerCount === 1 && idle?.stopped) result.workerStats = [idle.stopped]
  }

  // ---- print ----
  const goal = SETTINGS.maxLatenessGoalMs
  console.log('')
  console.log(
    `schedule-latency: ${SETTINGS.articlesPerRound} publishes per round at uniform random instants in ` +
      `[+${SETTINGS.earliestMs / 1000} s, +${SETTINGS.latestMs / 1000} s], read back by anonymous GraphQL ` +
      `(one request at a time, ${SETTINGS.pollPauseMs} ms pause)`,
  )
  console.log(`machine: nproc ${machine.nproc} (${machine.cpuModel}), node ${machine.node}`)
  console.log(`goal: max lateness <= ${goal} ms, 0 early, 0 missed (> ${SETTINGS.missedAfterMs / 1000} s), 0 duplicated`)
  console.log('')
  console.log(
    table([
      ['round', 'seen', 'min ms', 'p50 ms', 'p99 ms', 'max ms', 'early', 'missed', 'duplicated', 'goal'],
      ...rounds.map((round) => [
        round.name,
        `${round.seen}/${round.articles}`,
        ms(round.latenessMs.min),
        ms(round.latenessMs.p50),
        ms(round.latenessMs.p99),
        ms(round.latenessMs.max),
        String(round.early),
        String(round.missed),
        String(round.duplicated),
        round.goalMet ? 'met' : 'MISSED',
      ]),
    ]),
  )
  console.log('')
  console.log('where the time goes (ms):')
  console.log(
    table([
      ['round', 'worker log lateness', 'job appliedAt - instant', 'reader - worker log', 'poll duration', 'polls', 'resolution max'],
      ...rounds.map((round) => [
        round.name,
        `${ms(round.workerLatenessMs.min)} / ${ms(round.workerLatenessMs.p50)} / ${ms(round.workerLatenessMs.p99)} / ${ms(round.workerLatenessMs.max)}`,
        `${ms(round.dbAppliedLatenessMs.min)} / ${ms(round.dbAppliedLatenessMs.p50)} / ${ms(round.dbAppliedLatenessMs.max)}`,
        `${ms(round.commitToReaderMs.min)} / ${ms(round.commitToReaderMs.p50)} / ${ms(round.commitToReaderMs.max)}`,
        `${ms(round.pollMs.p50)} / ${ms(round.pollMs.max)}`,
        `${round.pollMs.polls}${round.pollMs.errors ? ` (${round.pollMs.errors} errors)` : ''}`,
        ms(round.uncertaintyMs.max),
      ]),
    ]),
  )
  console.log('  (worker log: min / p50 / p99 / max; the others: min / p50 / max; poll: p50 / max)')
  console.log('  worker log lateness: the latenessMs the worker logs, taken when its apply returned; job appliedAt: when it began applying')
  console.log('  resolution: first response that showed the article, end, minus the last request that did not, start')
  for (const round of rounds) {
    const slowest = [...round.records]
      .filter((record) => record.latenessMs !== null)
      .sort((a, b) => b.latenessMs! - a.latenessMs!)
      .slice(0, 3)
    console.log(
      `${round.name}, slowest: ` +
        slowest
          .map(
            (record) =>
              `#${record.id} reader ${ms(record.latenessMs!)} (poll ${ms(record.seenEnd! - record.seenStart!)}), ` +
              `worker log ${ms(record.workerLatenessMs ?? NaN)}, appliedAt ${ms(record.job?.dbLatenessMs ?? NaN)}`,
          )
          .join('; '),
    )
    console.log(
      `${round.name}, apply duration (worker log - appliedAt): first apply of each worker ${round.firstApplyMs.map(ms).join(', ')} ms; ` +
        `later applies ${fmtSummary(round.laterApplyMs)}`,
    )
  }
  for (const round of rounds) {
    const perWorker = Object.values(round.appliedPerWorker).join(' + ')
    const stats = round.workerStats
      .map((stats) => `${stats.applied} applied, ${stats.claimAttempts} claims, ${stats.discoveryQueries} discoveries in ${stats.uptimeS.toFixed(1)} s`)
      .join('; ')
    for (const exit of round.unexpectedExits) {
      console.log(`${round.name}: INVALID: worker ${exit.pid} exited at ${exit.at} (code ${exit.code}, signal ${exit.signal}) without the bench stopping it`)
    }
    console.log(
      `${round.name}: applied per worker ${perWorker || '-'}; apply failures ${round.workerApplyFailures}; ` +
        `jobs not done ${round.jobsNotDone}; closest schedule ${round.minScheduledAheadMs} ms ahead; stop stats: ${stats || '-'}`,
    )
    const cpu = round.cpu
    console.log(
      `${round.name}: CPU while scheduling and polling (${cpu.wallS.toFixed(1)} s), in cores of ${cpu.machineCores}: ` +
        `machine ${cpu.machineBusy.toFixed(2)} = server ${cpu.server.toFixed(2)} + worker(s) ${cpu.workers.toFixed(2)} + ` +
        `bench/reader ${cpu.reader.toFixed(2)} + other processes ${cpu.other.toFixed(2)}`,
    )
  }
  if (idle) {
    console.log('')
    console.log(
      `idle cost (1 worker, ${idle.windowS.toFixed(1)} s, ${idle.pendingJobsDuringWindow} pending changes): ` +
        `CPU ${(idle.cpuShareOfOneCore * 100).toFixed(2)}% of one core (${Math.round(idle.cpuMs)} ms), ` +
        `DB queries ${idle.discoveryQueriesPerSecond === null ? '-' : idle.discoveryQueriesPerSecond.toFixed(3)}/s ` +
        `(discovery queries / uptime; logged queriesPerSecond over its whole life ${idle.loggedQueriesPerSecond ?? '-'}), ` +
        `read syscalls ${idle.readSyscallsPerSecond === null ? '-' : idle.readSyscallsPerSecond.toFixed(1)}/s`,
    )
  }

  const timestamp = new Date().toISOString()
  const loadAverageAfter = os.loadavg().map((value) => Number(value.toFixed(2)))
  console.log(`load average before ${machine.loadAverage.join(' ')}, after ${loadAverageAfter.join(' ')}`)
  const report = { benchmark: 'schedule-latency', timestamp, machine: { ...machine, loadAverageAfter }, settings: SETTINGS, rounds, idle: idle ?? null }
  const resultsDir = path.join(ROOT, 'bench', 'results')
  fs.mkdirSync(resultsDir, { recursive: true })
  const file = path.join(resultsDir, `schedule-latency-${timestamp.replace(/[:.]/g, '-')}.json`)
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n')
  console.log('')
  console.log(`results written to ${path.relative(ROOT, file)}`)
  const failed = rounds.filter((round) => !round.goalMet)
  if (failed.length) {
    console.log(`GOAL MISSED in: ${failed.map((round) => round.name).join(', ')}`)
    process.exitCode = 1
  } else {
    console.log('all goals met')
  }
}

try {
  await main()
} catch (error) {
  if (!cleanup.interrupted()) {
    console.error('\nbench:schedule-latency failed:', error instanceof Error ? error.message : error)
    for (const worker of runningWorkers) console.error(`--- worker ${worker.child.pid} output (tail) ---\n${worker.output().slice(-3000)}`)
  }
  process.exitCode = 1
} finally {
  await cleanup.run()
}
process.exit(process.exitCode ?? 0)
