/** One round: schedule a batch of publishes, watch readers see them, and collect lateness, CPU and worker figures. Part of `npm run bench:schedule-latency` (run.ts). */
import os from 'node:os'

import { richText } from '../../tests/helpers/fixtures'
import { machineCpu, totalCpuMs } from './proc'
import { applyEvents, parseWorkerLog, type ApplyEvent, type StoppedStats } from './worker-log'
import { SETTINGS } from './settings'
import { type UnexpectedExit, unexpectedExits, sleep, log, type Context, launchWorkers } from './workers'
import { type Summary, summarise, mapLimit } from '../lib/stats'
import { Poller, countVersions, fetchJobs } from './api'

// ---- one round ----

export type ArticleRecord = {
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

export type RoundResult = {
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

export let articleCounter = 0

export const runRound = async (ctx: Context, name: string, workerCount: number) => {
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
