/**
 * Reads the worker's log. Payload's default logger is pino-pretty (colours, one header line per
 * entry, then one `    key: <JSON value>` line per field), whatever NODE_ENV says; JSON lines
 * (a pino logger without pretty-printing) are understood too.
 */

export type WorkerLogEvent = Record<string, unknown> & { event?: string; level?: string; msg?: string }

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g
const HEADER = /^\[[\d:. -]+\]\s+([A-Z]+)(?:\s*\([^)]*\))?:\s?(.*)$/
// Exactly four spaces: deeper lines belong to a nested object (an error's stack, say).
const FIELD = /^ {4}([A-Za-z_$][\w$]*): (.*)$/

export const parseWorkerLog = (text: string): WorkerLogEvent[] => {
  const events: WorkerLogEvent[] = []
  let current: WorkerLogEvent | undefined
  for (const raw of text.replace(ANSI, '').split('\n')) {
    const line = raw.replace(/\r$/, '')
    if (line.startsWith('{')) {
      try {
        events.push(JSON.parse(line) as WorkerLogEvent)
        current = undefined
        continue
      } catch {
        // not a JSON line after all
      }
    }
    const header = HEADER.exec(line)
    if (header) {
      current = { level: header[1], ...(header[2] ? { msg: header[2] } : {}) }
      events.push(current)
      continue
    }
    const field = FIELD.exec(line)
    if (field && current) {
      try {
        current[field[1]] = JSON.parse(field[2])
      } catch {
        current[field[1]] = field[2]
      }
    }
  }
  return events
}

export type StoppedStats = {
  worker: string
  uptimeS: number
  discoveryQueries: number
  claimAttempts: number
  applied: number
  failedAttempts: number
  queriesPerSecond: number
}

export const stoppedStats = (events: WorkerLogEvent[]): StoppedStats | undefined => {
  const stopped = events.find((event) => event.event === 'scheduler.stopped')
  if (!stopped) return undefined
  return {
    worker: String(stopped.worker),
    uptimeS: Number(stopped.uptimeS),
    discoveryQueries: Number(stopped.discoveryQueries),
    claimAttempts: Number(stopped.claimAttempts),
    applied: Number(stopped.applied),
    failedAttempts: Number(stopped.failedAttempts),
    queriesPerSecond: Number(stopped.queriesPerSecond),
  }
}

/** One `scheduled-publish` / `scheduled-unpublish` entry: an attempt to apply a change. */
export type ApplyEvent = {
  worker: string
  outcome: string
  id: string
  job: string
  scheduledFor: number
  appliedAt: number
  /** Measured by the worker: when the transaction had committed, minus the scheduled instant. */
  latenessMs: number
  error?: string
}

export const applyEvents = (events: WorkerLogEvent[]): ApplyEvent[] =>
  events
    .filter((event) => typeof event.event === 'string' && event.event.startsWith('scheduled-'))
    .map((event) => ({
      worker: String(event.worker),
      outcome: String(event.outcome),
      id: String(event.id),
      job: String(event.job),
      scheduledFor: Date.parse(String(event.scheduledFor)),
      appliedAt: Date.parse(String(event.appliedAt)),
      latenessMs: Number(event.latenessMs),
      ...(event.error ? { error: String(event.error) } : {}),
    }))
