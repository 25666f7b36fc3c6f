/**
 * `npm run bench:schedule-latency`: how late scheduled publishes become visible to anonymous
 * GraphQL readers, with 1 worker and then 3 workers, against the production build; plus what an
 * idle worker costs. See bench/schedule-latency/README.md.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { ROOT, startProductionServer } from '../../tests/helpers/server'
import { pidsWithEnv } from './proc'
import { type StoppedStats } from './worker-log'
import { machineInfo } from '../lib/machine'
import { SETTINGS, EMAIL, PASSWORD } from './settings'
import { runningWorkers, cleanup, log, type Context, stopWorkers } from './workers'
import { ms, fmtSummary, table } from '../lib/stats'
import { makeApi } from './api'
import { type RoundResult, runRound } from './round'
import { type IdleCost, measureIdle } from './idle'

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

await cleanup.runMain('bench:schedule-latency', main, () => {
  for (const worker of runningWorkers) console.error(`--- worker ${worker.child.pid} output (tail) ---\n${worker.output().slice(-3000)}`)
})
