import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createStaff, PASSWORD } from '../helpers/fixtures'
import { localPayloadOnServerData, seedServerDatabase, startProductionServer, type RunningServer } from '../helpers/server'

/**
 * API reads answered by Payload's route handlers without Next's router (src/server/apiRoutes.ts)
 * answer exactly as through Next: two production servers on one database, one as shipped and one
 * with API_VIA_NEXT=true, get the same requests (anonymous, cache-bypassing, staff, errors, a media
 * file, CORS) and must give the same status, headers and bytes. Only one thing may differ: an
 * answer under 1 KB that Next gzips (it streams, so the compression middleware's threshold never
 * applies) goes out as it is; and a HEAD answers what the GET would (through Next, Payload answers
 * a HEAD 404). That the direct path answered at all is read from its counter in /api/metrics.
 */
const METRICS_TOKEN = 'metrics-token-for-the-api-test-0123'
const SERVER_URL = 'http://cms.clinic.test'
const ORIGIN = 'https://www.clinic.test'

let direct: RunningServer
let viaNext: RunningServer
let token: string
let ids: { article: number; articleSlug: string; condition: string; media: string }

beforeAll(async () => {
  // The same SERVER_URL for both, so that the URLs Payload writes into answers are the same.
  direct = await startProductionServer('api-direct', { SERVER_URL, CORS_ORIGINS: ORIGIN, WEB_CONCURRENCY: '1', SERVER_STANDBY: '0', METRICS_TOKEN })
  await seedServerDatabase(direct)
  viaNext = await startProductionServer('api-via-next', {
    SERVER_URL,
    CORS_ORIGINS: ORIGIN,
    WEB_CONCURRENCY: '1',
    SERVER_STANDBY: '0',
    API_VIA_NEXT: 'true',
    METRICS_TOKEN,
    DATABASE_URI: direct.databaseUri,
    MEDIA_DIR: String(direct.env.MEDIA_DIR),
  })
  const payload = await localPayloadOnServerData(direct)
  await createStaff(payload)
  const article = (await payload.find({ collection: 'articles', limit: 1, sort: 'title' })).docs[0] as { id: number; slug: string }
  const condition = (await payload.find({ collection: 'conditions', limit: 1, sort: 'name' })).docs[0] as { slug: string }
  const media = (await payload.find({ collection: 'media', limit: 1 })).docs[0] as { filename: string }
  ids = { article: article.id, articleSlug: article.slug, condition: condition.slug, media: media.filename }
  const login = await fetch(`${direct.url}/api/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'owner@clinic.test', password: PASSWORD }),
  })
  token = ((await login.json()) as { token: string }).token
}, 240_000)

afterAll(async () => {
  await viaNext?.stop()
  await direct?.stop()
})

/** Headers that are about the connection and the moment, not the answer. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'])

type Answer = { status: number; headers: Record<string, string>; body: string }

const ask = async (server: RunningServer, path: string, init: RequestInit = {}): Promise<Answer> => {
  const response = await fetch(`${server.url}${path}`, init)
  const bytes = Buffer.from(await response.arrayBuffer())
  const body = bytes.toString('base64')
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    if (!TRANSPORT.has(name)) headers[name] = value
  })
  // The compression middleware's threshold: a known length under 1 KB goes out as it is.
  if (bytes.length < 1024 && headers['content-encoding'] === 'gzip') delete headers['content-encoding']
  return { status: response.status, headers, body }
}

/** clinic_api_direct_total of a server (src/server/apiRoutes.ts). */
const answeredDirectly = async (server: RunningServer) => {
  const text = await (await fetch(`${server.url}/api/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text()
  const match = /^clinic_api_direct_total (\d+)/m.exec(text)
  if (!match) throw new Error(`no clinic_api_direct_total in /api/metrics:\n${text.slice(0, 500)}`)
  return Number(match[1])
}

const bogus = { Authorization: 'Bearer not-a-session' }
const frontPage = `query FrontPage { Articles(limit: 10, sort: "-publishedAt") { docs { title slug excerpt heroImage { url } conditions { name slug } } } }`
const post = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body,
})

const cases = (): Array<[string, string, RequestInit?]> => [
  ['GraphQL POST, bypassing the cache', '/api/graphql', post(JSON.stringify({ query: frontPage }), bogus)],
  ['GraphQL POST, anonymous (a cache fill)', '/api/graphql', post(JSON.stringify({ query: `{ Clinic { name } Faqs(limit: 3) { docs { question } } }` }))],
  ['GraphQL GET', `/api/graphql?query=${encodeURIComponent('{ Services(limit: 2) { docs { name slug } } }')}`, { headers: bogus }],
  ['GraphQL validation error', '/api/graphql', post(JSON.stringify({ query: '{ Articles { docs { nope } } }' }), bogus)],
  ['GraphQL body not JSON', '/api/graphql', post('{ not json', bogus)],
  ['GraphQL mutation over GET', `/api/graphql?query=${encodeURIComponent('mutation { logoutUser }')}`, { headers: bogus }],
  ['GraphQL as staff', '/api/graphql', post(JSON.stringify({ query: '{ meUser { user { email } } Users { totalDocs } }' }), { Authorization: `JWT ${token}` })],
  ['REST list at depth 1', '/api/articles?limit=3&depth=1', { headers: bogus }],
  ['REST by id at depth 2', `/api/articles/${ids.article}?depth=2`, { headers: bogus }],
  ['REST by slug, anonymous (a cache fill)', `/api/conditions?where[slug][equals]=${ids.condition}&depth=2`],
  ['REST global', '/api/globals/clinic?depth=1', { headers: bogus }],
  ['REST with an allowed Origin', '/api/services?limit=2', { headers: { ...bogus, Origin: ORIGIN } }],
  ['REST private collection without a login', '/api/subscribers', { headers: bogus }],
  ['REST private collection as staff', '/api/users?limit=1&depth=0', { headers: { Authorization: `JWT ${token}` } }],
  ['REST me as staff', '/api/users/me', { headers: { Authorization: `JWT ${token}` } }],
  ['REST draft as staff', `/api/articles/${ids.article}?draft=true&depth=0`, { headers: { Authorization: `JWT ${token}` } }],
  ['REST unknown document', '/api/articles/987654321', { headers: bogus }],
  ['REST unknown collection', '/api/no-such-collection', { headers: bogus }],
  ['REST bad query', '/api/articles?where[title][nope]=1', { headers: bogus }],
  ['REST query over its limits', `/api/articles?depth=99`, { headers: bogus }],
  ['media file', `/api/media/file/${ids.media}`],
  // Left to Next by the direct path: the answers are Next's on both servers.
  ['a write (a failed login)', '/api/users/login', post(JSON.stringify({ email: 'owner@clinic.test', password: 'wrong-password-000' }))],
  ['OPTIONS preflight', '/api/articles', { method: 'OPTIONS', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET' } }],
]

/** Answers the direct path leaves to Next (src/server/apiRoutes.ts). */
const LEFT_TO_NEXT = new Set(['POST /api/users/login', 'OPTIONS'])
const leftToNext = (path: string, init?: RequestInit) => LEFT_TO_NEXT.has(init?.method ?? 'GET') || LEFT_TO_NEXT.has(`${init?.method} ${path}`)

describe('API reads in front of Next (src/server/apiRoutes.ts)', () => {
  it('answer every request with the status, headers and bytes Next gives', async () => {
    // Next loads a route file on its first request; from then on the direct path answers.
    await ask(direct, '/api/graphql', post(JSON.stringify({ query: '{ Clinic { name } }' }), bogus))
    const differences: string[] = []
    const before = await answeredDirectly(direct)
    let expected = 0
    for (const [what, path, init] of cases()) {
      const fromNext = await ask(viaNext, path, init)
      const answered = await ask(direct, path, init)
      if (JSON.stringify(answered) !== JSON.stringify(fromNext)) {
        differences.push(`${what}: ${JSON.stringify({ direct: { ...answered, body: answered.body.slice(0, 200) }, viaNext: { ...fromNext, body: fromNext.body.slice(0, 200) } })}`)
      }
      if (!leftToNext(path, init)) expected += 1
    }
    expect(differences).toEqual([])
    // Every request but those left to Next was answered directly (the two cache fills included; + 1: the
    // metrics read is one too), and none on the other server.
    expect((await answeredDirectly(direct)) - before).toBe(expected + 1)
    expect(await answeredDirectly(viaNext)).toBe(0)
  })

  it('answers a HEAD of a REST read as its GET, without the body', async () => {
    for (const path of ['/api/articles?limit=1', `/api/articles/${ids.article}?depth=0`, '/api/articles/987654321']) {
      const init = { headers: { ...bogus, 'accept-encoding': 'identity' } }
      const get = await ask(direct, path, init)
      const before = await answeredDirectly(direct)
      const head = await ask(direct, path, { ...init, method: 'HEAD' })
      expect((await answeredDirectly(direct)) - before, path).toBe(2)
      expect({ ...head, body: undefined }, path).toEqual({ ...get, body: undefined })
      expect(head.body, path).toBe('')
    }
  })
})
