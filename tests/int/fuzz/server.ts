/**
 * The fuzz runs' server, in the test's own process: route handlers called as Next would, a database snapshot
 * around each input (a refusal must store nothing), and the seeded documents whose ids the generators reuse.
 */
import fc from 'fast-check'
import { afterAll, beforeAll } from 'vitest'

import { createStaff, PASSWORD } from '../../helpers/fixtures'
import { startTestPayload, stopTestPayload, type TestPayload } from '../../helpers/payload'
import { startSmtpSink } from '../../helpers/smtpSink'
import { FUZZ_SEED, FUZZ_RUNS, COLLECT_ONLY, STRICT, NO_ANSWER_GUARD_MS, type Failure, noteDuration, judge, reportFuzzRun } from './judge'
import { weirdString } from './arbitraries'
import { outgoingMailSettled } from '../../helpers/outgoingMail'

// ---------------------------------------------------------------------------------------
// The server, in this process
// ---------------------------------------------------------------------------------------

export let ctx: TestPayload
export let sink: Awaited<ReturnType<typeof startSmtpSink>>
export let routes: {
  rest: Record<'GET' | 'POST' | 'PATCH' | 'DELETE', (request: Request, args: { params: Promise<{ slug: string[] }> }) => Promise<Response>>
  graphql: (request: Request) => Promise<Response>
  email: Record<'confirm' | 'preferences' | 'unsubscribe', { GET: (request: Request) => Promise<Response>; POST?: (request: Request) => Promise<Response> }>
}
export let editorToken: string
export let adminToken: string
export let manageToken: string
export let confirmToken: string
/** Ids of the seeded documents, per collection: fuzzed ids are often real ones. */
export const realIds: Record<string, Array<number | string>> = {}
/** Array-row ids of seeded documents: "almost valid" bodies copy them into other rows. */
export const realRowIds: string[] = []
export let serverErrors: Array<{ message: string; stack: string }> = []
export let ipCounter = 0

export const BASE = 'http://localhost:3000'

export type Answer = { status: number; contentType: string; text: string; errors: Array<{ message: string; stack: string }> }

/** Runs one request through a route handler, as Next would, and keeps what the server logged as errors meanwhile. */
export const invoke = async (handle: () => Promise<Response>): Promise<Answer> => {
  serverErrors = []
  // graphql-http reports its own internal errors with console.error, not Payload's logger.
  const consoleError = console.error
  console.error = (...args: unknown[]) => {
    const text = args.map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : String(arg))).join(' ')
    serverErrors.push({ message: text.split('\n')[0].slice(0, 400), stack: args.find((arg): arg is Error => arg instanceof Error)?.stack ?? '' })
  }
  let timer: NodeJS.Timeout | undefined
  const guard = new Promise<'no-answer'>((resolve) => (timer = setTimeout(() => resolve('no-answer'), NO_ANSWER_GUARD_MS)))
  try {
    const response = await Promise.race([
      (async () => {
        const response = await handle()
        return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() }
      })(),
      guard,
    ])
    if (response === 'no-answer') return { status: 0, contentType: '', text: '', errors: serverErrors }
    return { ...response, errors: serverErrors }
  } catch (error) {
    // A route handler that throws is a 500 in Next.
    const err = error as Error
    return { status: 500, contentType: '', text: '', errors: [...serverErrors, { message: `handler threw: ${err?.message}`, stack: String(err?.stack ?? '') }] }
  } finally {
    clearTimeout(timer)
    console.error = consoleError
  }
}

export type Who = 'anonymous' | 'editor' | 'admin'
export const authorization = (who: Who): Record<string, string> =>
  who === 'editor' ? { Authorization: `JWT ${editorToken}` } : who === 'admin' ? { Authorization: `JWT ${adminToken}` } : {}

export const restCall = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', pathAndQuery: string, who: Who, body?: string, headers: Record<string, string> = {}) =>
  invoke(() => {
    const url = new URL(`/api${pathAndQuery}`, BASE)
    const slug = url.pathname.replace(/^\/api\//, '').split('/').map((part) => {
      try {
        return decodeURIComponent(part)
      } catch {
        return part
      }
    })
    const request = new Request(url, {
      method,
      headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...authorization(who), ...headers },
      body,
    })
    return routes.rest[method](request, { params: Promise.resolve({ slug }) })
  })

export const graphqlCall = (body: string, who: Who) =>
  invoke(() =>
    routes.graphql(new Request(`${BASE}/api/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...authorization(who) }, body })),
  )

/** Every table's row count and the newest `updated_at` of the tables that have one: any write shows. */
export let snapshotSql = ''
export const snapshot = async (): Promise<Record<string, unknown>> => {
  const client = (ctx.payload.db as any).client
  const result = await client.execute(snapshotSql)
  return Object.fromEntries(result.rows.map((row: any) => [row.t, row.n]))
}
export const changedTables = (before: Record<string, unknown>, after: Record<string, unknown>) =>
  Object.keys(after).filter((table) => before[table] !== after[table])

export const serverError = (answer: Answer) => {
  const first = answer.errors[0]
  if (first) return { error: first.message, stackTop: first.stack.split('\n').slice(0, 3).join(' | ') }
  let message = ''
  try {
    message = JSON.parse(answer.text)?.errors?.[0]?.message ?? ''
  } catch {
    message = answer.text.slice(0, 200)
  }
  return { error: message || '(no error logged)', stackTop: '' }
}

export const bodyIsJsonOrHtml = (answer: Answer) => {
  if ([204, 304].includes(answer.status)) return true
  if (/text\/html/i.test(answer.contentType)) return answer.text.length > 0
  try {
    JSON.parse(answer.text)
    return true
  } catch {
    return false
  }
}

/** The properties every answer must have; `stored` is what changed in the database while it was made. */
export const check = (endpoint: string, input: unknown, answer: Answer, changed: string[]): Failure[] => {
  const failures: Failure[] = []
  const base = { endpoint, status: answer.status, input }
  if (answer.status === 0) {
    failures.push({ ...base, kind: 'no-answer', error: `no answer in ${NO_ANSWER_GUARD_MS / 1000} s`, stackTop: '' })
    return failures
  }
  if (answer.status >= 500) failures.push({ ...base, kind: '5xx', ...serverError(answer) })
  else if (!bodyIsJsonOrHtml(answer)) {
    failures.push({ ...base, kind: 'body-not-json-or-html', error: `${answer.contentType || 'no content-type'}: ${answer.text.slice(0, 80)}`, stackTop: '' })
  }
  if (answer.status >= 400 && answer.status < 500 && changed.length) {
    failures.push({ ...base, kind: 'stored-on-4xx', error: `wrote ${changed.sort().join(', ')} and answered ${answer.status}`, stackTop: '' })
  }
  return failures
}

/** One input through one endpoint: snapshot, call, snapshot, properties. */
export const probe = async (group: string, endpoint: string, input: unknown, call: () => Promise<Answer>, extra?: (answer: Answer, changed: string[]) => Failure[]) => {
  const before = await snapshot()
  const started = performance.now()
  const answer = await call()
  noteDuration(group, performance.now() - started, endpoint, input)
  const after = await snapshot()
  const changed = changedTables(before, after)
  const failures = [...check(endpoint, input, answer, changed), ...(extra?.(answer, changed) ?? [])]
  return { holds: judge(group, failures), answer }
}


// ---------------------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------------------

/** The server's set-up and tear-down, for each fuzz file (each runs in its own process). */
export const useFuzzServer = (name: string) => {
  beforeAll(async () => {
    sink = await startSmtpSink()
    process.env.SMTP_URL = sink.url
    process.env.EMAIL_FROM = 'Stevenson Clinic <news@stevenson-clinic.test>'
    // The fuzzer sends many signups from its own addresses: the per-IP limit is under test
    // through X-Forwarded-For, not by running out of it.
    process.env.SUBSCRIBE_LIMIT_PER_EMAIL = '1000'
    ctx = await startTestPayload('fuzz')
    const { payload } = ctx
    const { seed } = await import('../../../src/seed')
    await seed(payload)
    await createStaff(payload)

    const next = await import('@payloadcms/next/routes')
    const { default: config } = await import('../../../payload.config')
    routes = {
      rest: { GET: next.REST_GET(config), POST: next.REST_POST(config), PATCH: next.REST_PATCH(config), DELETE: next.REST_DELETE(config) } as any,
      // The route Next mounts: Payload's handler behind the project's cost limits.
      graphql: (await import('../../../src/app/(payload)/api/graphql/route')).POST as any,
      email: {
        confirm: await import('../../../src/app/(subscribers)/email/confirm/route'),
        preferences: await import('../../../src/app/(subscribers)/email/preferences/route'),
        unsubscribe: await import('../../../src/app/(subscribers)/email/unsubscribe/route'),
      },
    }
    const http = await import('../../helpers/http')
    editorToken = await http.login('editor@clinic.test', PASSWORD)
    adminToken = await http.login('owner@clinic.test', PASSWORD)

    for (const collection of ['articles', 'conditions', 'services', 'faqs', 'media', 'newsletters', 'users'] as const) {
      const { docs } = await payload.find({ collection, limit: 50, depth: 0, draft: true, overrideAccess: true, pagination: false })
      realIds[collection] = docs.map((doc) => doc.id)
      for (const doc of docs as any[]) {
        for (const rows of [doc.symptoms, doc.commonCauses, doc.options, doc.citations]) if (Array.isArray(rows)) realRowIds.push(...rows.map((row: any) => row.id))
      }
    }
    // A subscriber with real signed links, so the email pages are fuzzed past the token check too.
    const subscriber = await payload.create({
      collection: 'subscribers',
      data: { email: 'fuzz.reader@example.com', status: 'confirmed', consent: { at: new Date().toISOString(), source: 'test', text: 'yes' } } as any,
      overrideAccess: true,
    })
    realIds.subscribers = [subscriber.id]
    const links = await import('../../../src/subscribers/links')
    manageToken = new URL(links.preferencesUrl(subscriber)).searchParams.get('token')!
    confirmToken = new URL(links.confirmUrl(subscriber, 'fuzz-nonce')).searchParams.get('token')!
    const webhook = await payload.create({
      collection: 'webhooks',
      // Nothing listens there (a port of this proof's range): a ping fails fast.
      data: { name: 'Fuzz receiver', url: 'http://127.0.0.1:4698/hook', events: ['publish'], collections: ['articles'], enabled: true } as any,
      overrideAccess: true,
    })
    realIds.webhooks = [webhook.id]
    const { docs: deliveries } = await payload.find({ collection: 'webhook-deliveries', limit: 5, depth: 0, overrideAccess: true })
    realIds['webhook-deliveries'] = deliveries.map((doc) => doc.id)

    const client = (payload.db as any).client
    const tables: string[] = (
      // rate_limits: a refused attempt still counts against its sender's limit; that is the point.
      // payload_kv: the last SMTP outcome (src/health/smtpStatus.ts) is written a second after a
      // mail went, during whichever request runs then.
      await client.execute(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('payload_migrations', 'rate_limits', 'payload_kv')`)
    ).rows.map((row: any) => String(row.name))
    const parts: string[] = []
    for (const table of tables) {
      parts.push(`SELECT '${table}' AS t, count(*) AS n FROM "${table}"`)
      const columns = (await client.execute(`PRAGMA table_info("${table}")`)).rows.map((row: any) => String(row.name))
      if (columns.includes('updated_at')) parts.push(`SELECT '${table}.updated_at' AS t, max(updated_at) AS n FROM "${table}"`)
    }
    snapshotSql = parts.join(' UNION ALL ')

    // Keep what the server logs as errors (with stacks) for the report, out of the test output.
    const logger = payload.logger as any
    logger.error = (...args: any[]) => {
      const [first, second] = args
      const err = first?.err ?? (first instanceof Error ? first : undefined)
      const message = err?.message ?? first?.msg ?? (typeof first === 'string' ? first : typeof second === 'string' ? second : JSON.stringify(first)?.slice(0, 300))
      // Drizzle's "Failed query: <sql>" hides the database's own reason in `cause`.
      const cause = err?.cause?.message ? ` [cause: ${String(err.cause.message).split('\n')[0]}]` : ''
      serverErrors.push({ message: `${String(message).split('\n')[0].slice(0, 400)}${cause}`, stack: String(err?.stack ?? '') })
    }
    // Refusals log at info/warn level by the thousand here (and some echo a 200 KB input).
    logger.info = () => {}
    logger.warn = () => {}
    console.log(`[fuzz] seed ${FUZZ_SEED} (FUZZ_SEED overrides), ${FUZZ_RUNS} runs per weight unit (FUZZ_RUNS)${COLLECT_ONLY ? ', collect-only' : ''}${STRICT ? ', strict' : ''}`)
  }, 300_000)


  afterAll(async () => {
    reportFuzzRun(name)
    // Mail goes out after the answers: wait until it has reached the sink.
    await outgoingMailSettled()
    if (ctx) await stopTestPayload(ctx)
    await sink?.close()
  })
}


export const fuzz = async <T>(group: string, weight: number, arbitrary: fc.Arbitrary<T>, property: (input: T) => Promise<boolean>) => {
  const guarded = async (input: T) => {
    try {
      return await property(input)
    } catch (error) {
      // A bug of this test, not of the server: say where, short (the input may be huge).
      console.error(`[fuzz] ${group}: the property itself threw:`, (error as Error)?.stack?.split('\n').slice(0, 6).join('\n'))
      throw error
    }
  }
  await fc.assert(
    fc.asyncProperty(arbitrary, guarded),
    { seed: FUZZ_SEED, numRuns: Math.max(1, Math.round(FUZZ_RUNS * weight)), endOnFailure: false, verbose: 1 },
  )
}

export const GROUP_TIMEOUT = 20 * 60_000

// ---------------------------------------------------------------------------------------
// REST reads: every collection route, anonymous and as an editor
// ---------------------------------------------------------------------------------------

export const REST_COLLECTIONS = ['articles', 'conditions', 'services', 'faqs', 'media', 'newsletters', 'subscribers', 'users', 'webhooks', 'webhook-deliveries', 'deliveries', 'payload-jobs']

export const idFor = (collection: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...(realIds[collection]?.length ? realIds[collection] : [1])).map(String) },
    { weight: 1, arbitrary: fc.integer({ min: -5, max: 100_000 }).map(String) },
    { weight: 2, arbitrary: weirdString.filter((text) => text.length < 2_000) },
  )

