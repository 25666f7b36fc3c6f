/**
 * The fuzz runs' knobs and verdicts: what counts as a failure, failure classes with the smallest input seen, and the report.
 * The property test itself: tests/int/fuzz/*.int.spec.ts (see rest.int.spec.ts for the knobs).
 */
import fs from 'node:fs'
import os from 'node:os'
import nodePath from 'node:path'

import { toJson } from './arbitraries'

// ---------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------

export const positiveInteger = (name: string, fallback: number) => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number >= 1 (got "${raw}")`)
  return value
}

export const FUZZ_SEED = process.env.FUZZ_SEED === undefined || process.env.FUZZ_SEED === '' ? 20261201 : Number(process.env.FUZZ_SEED)
export const FUZZ_RUNS = positiveInteger('FUZZ_RUNS', 20)
export const COLLECT_ONLY = process.env.FUZZ_COLLECT === '1'
export const STRICT = process.env.FUZZ_STRICT === '1'
/**
 * Not a performance assertion: a guard so that a request that never answers (a hang, an
 * endless loop) is reported as a failure of its own instead of stalling the whole file.
 */
export const NO_ANSWER_GUARD_MS = 30_000

/**
 * Failure classes the fuzz test found before the Hardening fixes, all fixed since (the
 * closing note of the Hardening issue lists them: versions of unversioned collections,
 * NaN ids, fractional limits, non-object bodies, objects in scalar columns, malformed and
 * deeply nested rich text, geo operators, copied array-row ids, non-text slugs, GraphQL
 * non-JSON bodies, subscriptions and fragment cycles). Empty, and it should stay so: an
 * entry here hides a real bug. Matched narrowly (endpoint label, kind, error message).
 */
export const KNOWN_FAILURES_BEFORE_HARDENING: Array<{ endpoint: RegExp; kind: FailureKind; error: RegExp; input?: RegExp; why: string }> = []

// ---------------------------------------------------------------------------------------
// Failures: what was violated, recorded per class with the smallest input seen
// ---------------------------------------------------------------------------------------

export type FailureKind = '5xx' | 'no-answer' | 'body-not-json-or-html' | 'stored-on-4xx' | 'mail-on-4xx' | 'graphql-internal-error' | 'dry-run-stored'

export type Failure = { kind: FailureKind; endpoint: string; status: number; error: string; stackTop: string; input: unknown }

export type FailureClass = Failure & { count: number; inputSize: number; known: boolean }

export const failureClasses = new Map<string, FailureClass>()
export const triedPerGroup = new Map<string, number>()
/** Information for the report, never asserted: the slowest input of each group (where the run time goes). */
export const slowestPerGroup = new Map<string, { ms: number; endpoint: string; input: unknown }>()
export const noteDuration = (group: string, ms: number, endpoint: string, input: unknown) => {
  const slowest = slowestPerGroup.get(group)
  if (!slowest || ms > slowest.ms) slowestPerGroup.set(group, { ms, endpoint, input })
}

/** The first line of the server's error with numbers, ids and quoted values blanked, so one bug is one class. */
export const normaliseError = (message: string) =>
  message
    .split('\n')[0]
    .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '…')
    .replace(/\d+/g, 'N')
    .slice(0, 160)

export const describeInput = (input: unknown) => {
  try {
    return typeof input === 'string' ? input : toJson(input)
  } catch {
    return String(input)
  }
}

export const isKnown = (failure: Failure) =>
  !STRICT &&
  KNOWN_FAILURES_BEFORE_HARDENING.some(
    (known) =>
      known.kind === failure.kind &&
      known.endpoint.test(failure.endpoint) &&
      known.error.test(failure.error) &&
      (!known.input || known.input.test(describeInput(failure.input))),
  )

/** Records the failures of one input; answers whether the property holds (no unknown failure). */
export const judge = (group: string, failures: Failure[]) => {
  triedPerGroup.set(group, (triedPerGroup.get(group) ?? 0) + 1)
  let holds = true
  for (const failure of failures) {
    const known = isKnown(failure)
    if (!known) holds = false
    const key = `${failure.kind} ${failure.endpoint} ${normaliseError(failure.error)}`
    const inputSize = describeInput(failure.input).length
    const existing = failureClasses.get(key)
    if (!existing) failureClasses.set(key, { ...failure, count: 1, inputSize, known })
    else {
      existing.count++
      if (inputSize < existing.inputSize) Object.assign(existing, { ...failure, inputSize, count: existing.count, known })
    }
  }
  return COLLECT_ONLY || holds
}


/** The run's report: inputs per group, slowest inputs, failure classes (printed, and written in full to a file). */
export const reportFuzzRun = (name: string) => {
  const total = [...triedPerGroup.values()].reduce((sum, count) => sum + count, 0)
  const lines = [`[fuzz] inputs tried: ${total} in all (seed ${FUZZ_SEED})`]
  for (const [group, count] of triedPerGroup) {
    const slowest = slowestPerGroup.get(group)
    const input = slowest ? describeInput(slowest.input) : ''
    lines.push(`  ${group.padEnd(22)} ${String(count).padStart(5)}${slowest ? `   slowest ${Math.round(slowest.ms)} ms: ${slowest.endpoint} ${input.length > 300 ? `${input.slice(0, 300)}…` : input}` : ''}`)
  }
  lines.push(`[fuzz] failure classes: ${failureClasses.size}`)
  for (const failure of failureClasses.values()) {
    const input = describeInput(failure.input)
    lines.push(
      `  ${failure.known ? '(known) ' : ''}${failure.kind} ${failure.endpoint} -> ${failure.status} ×${failure.count}`,
      `    error: ${failure.error.slice(0, 300)}`,
      ...(failure.stackTop ? [`    stack: ${failure.stackTop.slice(0, 400)}`] : []),
      `    smallest input (${failure.inputSize} chars): ${input.length > 600 ? `${input.slice(0, 600)}…` : input}`,
    )
  }
  console.log(lines.join('\n'))
  // The full inputs (the lines above are cut), for reproducing a failure by hand.
  const reportFile = nodePath.join(os.tmpdir(), `fuzz-report-${name}-${FUZZ_SEED}.json`)
  fs.writeFileSync(
    reportFile,
    JSON.stringify(
      {
        seed: FUZZ_SEED,
        runsPerWeight: FUZZ_RUNS,
        tried: Object.fromEntries(triedPerGroup),
        slowest: Object.fromEntries([...slowestPerGroup].map(([group, slowest]) => [group, { ...slowest, input: describeInput(slowest.input) }])),
        failureClasses: [...failureClasses.values()].map((failure) => ({ ...failure, input: describeInput(failure.input) })),
      },
      null,
      2,
    ),
  )
  console.log(`[fuzz] full report: ${reportFile}`)
}
