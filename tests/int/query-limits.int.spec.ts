import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createStaff, PASSWORD, richText } from '../helpers/fixtures'
import { startTestPayload, type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'
import { nestedJoinQuery } from '../../bench/lib/queries'

/**
 * Cost limits and bad input on the public read paths (SECURITY-query.md): every query is
 * bounded before it runs, and ordinary bad input answers 4xx with a message, never 500.
 */
let ctx: TestPayload
let http: typeof import('../helpers/http')
let editorToken: string
let conditionId: number

beforeAll(async () => {
  ctx = await startTestPayload('query-limits')
  http = await import('../helpers/http')
  const { seed } = await import('../../src/seed')
  await seed(ctx.payload)
  await createStaff(ctx.payload)
  editorToken = await http.login('editor@clinic.test', PASSWORD)
  const { docs } = await ctx.payload.find({ collection: 'conditions', limit: 1, sort: 'name' })
  conditionId = docs[0].id as number
})

afterAll(() => stopTestPayloadIfStarted(ctx))

const message = (json: any): string => json?.errors?.[0]?.message ?? ''

const expectRefused = (response: { status: number; json: any }, pattern: RegExp) => {
  expect(response.status, JSON.stringify(response.json)).toBeGreaterThanOrEqual(400)
  expect(response.status, JSON.stringify(response.json)).toBeLessThan(500)
  expect(message(response.json)).toMatch(pattern)
}

describe('GraphQL cost limits', () => {
  it('refuses nested joins (3, 4 and 5 levels, limit 100) with 400 naming the limit, in well under a second', async () => {
    await http.gql('{ Clinic { name } }')
    for (const levels of [3, 4, 5]) {
      const started = Date.now()
      const response = await http.gql(nestedJoinQuery(levels))
      expect(Date.now() - started, `levels ${levels}`).toBeLessThan(500)
      expect(response.status, `levels ${levels}`).toBe(400)
      expect(response.json.data).toBeUndefined()
      expect(message(response.json)).toMatch(/documents|depth/i)
    }
  })

  it('refuses a query nested deeper than the depth limit whatever its limits', async () => {
    const response = await http.gql(nestedJoinQuery(6, 1))
    expect(response.status).toBe(400)
    expect(message(response.json)).toMatch(/depth/i)
  })

  it('counts fragments and variables like inline selections', async () => {
    const query = `query Deep($n: Int) { Conditions(limit: $n) { docs { ...C } } }
      fragment C on Condition { relatedArticles(limit: $n) { docs { conditions { relatedArticles(limit: $n) { docs { title } } } } } }`
    const response = await http.gql(query, { n: 100 })
    expect(response.status).toBe(400)
    expect(message(response.json)).toMatch(/documents/i)
  })

  it('still serves the front ends’ queries (README, bench)', async () => {
    const frontPage = await http.gql(
      `query FrontPage { Articles(limit: 10, sort: "-publishedAt") { docs { title slug excerpt heroImage { url } conditions { name slug } jsonLd } } }`,
    )
    expect(frontPage.status).toBe(200)
    expect(frontPage.json.errors).toBeUndefined()
    expect(frontPage.json.data.Articles.docs.length).toBeGreaterThan(0)
    const conditionPage = await http.gql(
      `{ Conditions(limit: 1) { docs { name symptoms { symptom } relatedServices { name } relatedArticles(limit: 5) { docs { title slug } } } } }`,
    )
    expect(conditionPage.status).toBe(200)
    expect(conditionPage.json.errors).toBeUndefined()
  })

  it('answers a fragment cycle with 400, not a stack overflow', async () => {
    const response = await http.gql(`{ Articles { docs { ...A } } } fragment A on Article { conditions { relatedArticles { docs { ...A } } } }`)
    expectRefused(response, /fragment|cycle/i)
  })

  it('answers a body that is not JSON with 400, not an empty 500', async () => {
    const { POST } = await import('../../src/app/(payload)/api/graphql/route')
    for (const body of ['{', 'query { Articles { docs { title } } }', '']) {
      const response = await POST(new Request('http://localhost:3000/api/graphql', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }))
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect((await response.json()).errors[0].message).toMatch(/JSON/)
    }
  })

  it('answers directive arguments of the wrong type, and missing variables, with 400 (Payload’s complexity rule threw on them)', async () => {
    const wrongType = await http.gql('query Q($v: Int) { Clinic @include(if: $v) { __typename } }')
    expectRefused(wrongType, /\$v/)
    const missing = await http.gql('query Q($v: Boolean!) { Clinic @include(if: $v) { __typename } }', {})
    expectRefused(missing, /\$v/)
    const fine = await http.gql('query Q($v: Boolean!) { Clinic @include(if: $v) { name } }', { v: true })
    expect(fine.status).toBe(200)
  })

  it('Payload’s complexity limit follows the variables of a document it has seen pass (src/query/graphqlHandler.ts remembers passes per variables)', async () => {
    // A thousand aliased titles: cheap for the project's documents limit, over Payload's complexity of 1000 when included.
    const heavy = Array.from({ length: 1000 }, (_, i) => `t${i}: title`).join(' ')
    const query = `query Q($heavy: Boolean!) { Articles(limit: 1) { docs { title ... @include(if: $heavy) { ${heavy} } } } }`
    for (let i = 0; i < 2; i++) {
      const light = await http.gql(query, { heavy: false })
      expect(light.status, JSON.stringify(light.json)).toBe(200)
      expect(light.json.data.Articles.docs).toHaveLength(1)
      // Refused by Payload's rule, answered as Payload answers validation errors (graphql-http: 200 to application/json).
      const refused = await http.gql(query, { heavy: true })
      expect(refused.json.data).toBeUndefined()
      expect(message(refused.json)).toMatch(/exceeds the maximum complexity of 1000/)
    }
  })

  it('answers a subscription with 400', async () => {
    const response = await http.gql(`subscription { Articles { docs { title } } }`)
    expectRefused(response, /subscription/i)
  })

  it('bounds staff queries too, while the admin’s own queries work', async () => {
    const response = await http.gql(nestedJoinQuery(4), undefined, { token: editorToken })
    expect(response.status).toBe(400)
  })
})

describe('REST cost limits', () => {
  it('refuses limits, depths and join limits above the bounds with 400', async () => {
    expectRefused(await http.api('GET', '/articles?limit=100000'), /limit/i)
    expectRefused(await http.api('GET', '/articles?depth=50'), /depth/i)
    expectRefused(await http.api('GET', `/conditions?joins[relatedArticles][limit]=100000`), /limit/i)
    const nestedAnd = Array.from({ length: 1000 }, (_, i) => `where[and][0]`.repeat(1) + `[and][${i}][title][equals]=x`).join('&')
    expectRefused(await http.api('GET', `/articles?${nestedAnd}`), /where/i)
    let deep = 'where'
    for (let i = 0; i < 200; i++) deep += '[and][0]'
    // The query-string parser stops nesting at 5 levels; Payload refuses the leftover path.
    expectRefused(await http.api('GET', `/articles?${deep}[title][equals]=x`), /where|path/i)
    // GraphQL has no such parser limit: nesting and size are bounded by the guard.
    let nested = '{ title: { equals: "x" } }'
    for (let i = 0; i < 30; i++) nested = `{ AND: [${nested}] }`
    const graphqlNested = await http.gql(`{ Articles(where: ${nested}) { docs { title } } }`)
    expect(message(graphqlNested.json)).toMatch(/where/i)
    expect(graphqlNested.json.data?.Articles ?? null).toBeNull()
  })

  it('keeps the admin’s list and edit requests working for staff', async () => {
    const list = await http.api('GET', '/articles?depth=0&limit=10&page=1&sort=-updatedAt&draft=true', { credentials: { token: editorToken } })
    expect(list.status).toBe(200)
    const edit = await http.api('GET', `/conditions/${conditionId}?depth=1&draft=true`, { credentials: { token: editorToken } })
    expect(edit.status).toBe(200)
  })
})

describe('ordinary bad input answers 4xx with a message', () => {
  const cases: Array<[string, string]> = [
    ['/articles?where[publishedAt][greater_than]=notadate', 'publishedAt'],
    ['/articles?where[title][near]=1,2', 'near'],
    ['/articles?where[title][within]=x', 'within'],
    ['/articles?where[title][intersects]=x', 'intersects'],
    ['/articles?page=-1', 'page'],
    ['/articles?page=0', 'page'],
    ['/articles?page=abc', 'page'],
    ['/articles?limit=-5', 'limit'],
    ['/articles?limit=abc', 'limit'],
    ['/articles?depth=-1', 'depth'],
    ['/articles?depth=abc', 'depth'],
    ['/articles?where[conditions][like]=x', 'like'],
    ['/articles?where[title][exists]=notabool', 'exists'],
    ['/articles?where[id][in]=abc', 'id'],
    ['/articles?where[id][equals]=abc', 'id'],
  ]
  for (const [path, word] of cases) {
    it(`GET ${path}`, async () => {
      const response = await http.api('GET', path)
      expect(response.status, response.text).toBeGreaterThanOrEqual(400)
      expect(response.status, response.text).toBeLessThan(500)
      expect(message(response.json).toLowerCase()).toContain(word.toLowerCase())
    })
  }

  it('GET /articles?sort=nosuchfield is not a 500 (Payload ignores unknown sort fields)', async () => {
    expect((await http.api('GET', '/articles?sort=nosuchfield')).status).toBeLessThan(500)
  })

  it('GET /articles/%00 answers 404', async () => {
    const response = await http.api('GET', '/articles/%00')
    expect(response.status, response.text).toBe(404)
  })

  it('staff get the staff limits on REST, although Payload reads their user first under the same request', async () => {
    // The admin's delivery report asks for 200 rows; anonymous readers stop at 100.
    expect((await http.api('GET', '/articles?limit=200')).status).toBe(400)
    const staff = await http.api('GET', `/articles?limit=200&depth=0`, { credentials: { token: editorToken } })
    expect(staff.status, staff.text).toBe(200)
    expect(staff.json.limit).toBe(200)
    const overStaff = await http.api('GET', `/articles?limit=5000`, { credentials: { token: editorToken } })
    expect(overStaff.status).toBe(400)
    expect(message(overStaff.json)).toMatch(/from 0 to 1000/)
  })

  it('versions of a collection without versions answer 404 for staff', async () => {
    for (const path of ['/media/versions', '/subscribers/versions', '/media/versions/1', '/payload-jobs/versions/1']) {
      const response = await http.api('GET', path, { credentials: { token: editorToken } })
      expect(response.status, `${path} ${response.text}`).toBe(404)
      expect(message(response.json)).toMatch(/version/i)
    }
  })

  it('a document whose array rows carry another document’s row ids gets fresh ids', async () => {
    const source = await ctx.payload.findByID({ collection: 'conditions', id: conditionId, depth: 0 })
    expect(source.symptoms?.length).toBeGreaterThan(0)
    const response = await http.api('POST', '/conditions', {
      credentials: { token: editorToken },
      body: { name: 'Copied condition', summary: 'A copy.', symptoms: source.symptoms, _status: 'published' },
    })
    expect(response.status, response.text).toBe(201)
    const copyIds = response.json.doc.symptoms.map((row: any) => row.id)
    expect(copyIds).toHaveLength(source.symptoms!.length)
    for (const row of source.symptoms!) expect(copyIds).not.toContain(row.id)
    const again = await ctx.payload.findByID({ collection: 'conditions', id: conditionId, depth: 0 })
    expect(again.symptoms).toEqual(source.symptoms)
  })
})

describe('logging', () => {
  it('logs expected 4xx at info level, without a stack', async () => {
    const { payload } = ctx
    const errors: unknown[] = []
    const infos: unknown[] = []
    const originalError = payload.logger.error.bind(payload.logger)
    const originalInfo = payload.logger.info.bind(payload.logger)
    payload.logger.error = ((...args: unknown[]) => void errors.push(args)) as typeof payload.logger.error
    payload.logger.info = ((...args: unknown[]) => void infos.push(args)) as typeof payload.logger.info
    try {
      expect((await http.api('GET', '/users')).status).toBe(403)
      expect((await http.api('GET', '/articles?limit=abc')).status).toBe(400)
      const forbidden = await http.gql('{ Users { docs { email } } }')
      expect(forbidden.json.errors[0].extensions.statusCode).toBe(403)
      const refused = await http.gql('{ Articles(sort: "-conditions.name") { docs { title } } }')
      expect(refused.json.errors[0].extensions.statusCode).toBe(400)
    } finally {
      payload.logger.error = originalError
      payload.logger.info = originalInfo
    }
    expect(errors).toEqual([])
    expect(JSON.stringify(infos)).not.toMatch(/\bat .*\.js:\d+/)
    expect(infos.length).toBeGreaterThanOrEqual(4)
  })
})

describe('drafts do not leak through related-field sort and where', () => {
  it('refuses sort and where on relationship paths for anonymous readers', async () => {
    expectRefused(await http.api('GET', '/articles?sort=-conditions.name'), /sort/i)
    expectRefused(await http.api('GET', '/articles?where[conditions.name][equals]=x'), /where|conditions\.name/i)
    expectRefused(await http.api('GET', '/conditions?joins[relatedArticles][sort]=-conditions.name'), /sort/i)
    expectRefused(await http.api('GET', '/conditions?joins[relatedArticles][where][conditions.name][equals]=x'), /conditions\.name/i)
    const gqlSort = await http.gql(`{ Articles(sort: "-conditions.name") { docs { title } } }`)
    expect(message(gqlSort.json)).toMatch(/sort/i)
    expect(gqlSort.json.data?.Articles ?? null).toBeNull()
  })

  it('lets staff sort by related fields', async () => {
    const response = await http.api('GET', '/articles?sort=-conditions.name&depth=0', { credentials: { token: editorToken } })
    expect(response.status).toBe(200)
  })

  it('sort and where by the document’s own fields still work for the public', async () => {
    expect((await http.api('GET', '/articles?sort=-publishedAt&where[title][like]=neck')).status).toBe(200)
    expect((await http.api('GET', `/articles?where[conditions][in]=${conditionId}`)).status).toBe(200)
  })
})
