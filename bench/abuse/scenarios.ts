/** The hostile requests, one scenario each. Part of `npm run bench:abuse` (run.ts). */
import { SCENARIO_TIMEOUT_MS } from './settings'
import { type Answer, send, sendChunked } from './http'

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

export const FRAGMENT_CYCLE_QUERY = `query Cycle { Articles(limit: 100) { docs { ...ArticleParts } } }
fragment ArticleParts on Article { title conditions { ...ConditionParts } }
fragment ConditionParts on Condition { name relatedArticles(limit: 100) { docs { ...ArticleParts } } }`

export type Outcome = { status: string; answerMs: number | null; bytes?: number; detail: string }
export type Scenario = { name: string; what: string; run: (context: { editorToken: string }) => Promise<Outcome> }

export const graphqlBody = (query: string) => JSON.stringify({ query })
export const describeAnswer = (answer: Answer) => {
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

export const scenarios: Scenario[] = [
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
