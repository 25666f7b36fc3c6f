import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startTestPayload, stopTestPayloadIfStarted, type TestPayload } from '../helpers/payload'

/**
 * GraphQL reads of only the fields a query names (src/query/graphqlSelection.ts
 * selectOnlyQueriedFields, with lists read without their count when no pagination field is named) and one validation per query text (graphqlCost.ts, graphqlHandler.ts)
 * answer byte for byte what full reads answer. The reference for each query is the same query with
 * `jsonLd` added to its documents: a query naming jsonLd reads whole documents (nothing is left
 * out), so its answer minus the jsonLd keys is the answer of a full read.
 */
let ctx: TestPayload
let http: typeof import('../helpers/http')
let conditionId: number
let articleId: number

beforeAll(async () => {
  ctx = await startTestPayload('graphql-answers')
  http = await import('../helpers/http')
  const { seed } = await import('../../src/seed')
  await seed(ctx.payload)
  conditionId = (await ctx.payload.find({ collection: 'conditions', limit: 1, sort: 'name' })).docs[0].id as number
  articleId = (await ctx.payload.find({ collection: 'articles', limit: 1, sort: 'title' })).docs[0].id as number
}, 300_000)

afterAll(() => stopTestPayloadIfStarted(ctx))

/** Removes every `jsonLd` key (the reference's addition), keeping the order of the others. */
const withoutJsonLd = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutJsonLd)
  if (!value || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'jsonLd').map(([key, inner]) => [key, withoutJsonLd(inner)]))
}

/** `docs {` / `Article(id: …) {` of the root field gets `jsonLd` as its first selection. */
const queries = () => [
  {
    name: 'front page',
    query: `query FrontPage { Articles(limit: 10, sort: "-publishedAt") { docs { title slug excerpt heroImage { url } conditions { name slug } } } }`,
  },
  {
    name: 'fragments, media sizes, pagination fields',
    query: `{ Articles(limit: 5, sort: "title") { totalDocs hasNextPage docs { ...A } } } fragment A on Article { id title publishedAt heroImage { url alt thumbnailURL sizes { card { url width height } } } seo { title } }`,
  },
  {
    name: 'condition page',
    query: `{ Conditions(limit: 3, sort: "name") { docs { name slug summary symptoms { symptom } commonCauses { cause } techniques relatedServices { name slug } relatedArticles(limit: 5) { docs { title slug conditions { name } } } medicalReview { reviewedBy lastReviewed } citations { title url } howMassageHelps } } }`,
  },
  { name: 'one condition by id', query: `{ Condition(id: ${'$'}{conditionId}) { name updatedAt createdAt _status seo { description image { url } } } }` },
  { name: 'one article by id, rich text', query: `{ Article(id: ${'$'}{articleId}) { title content authorName services { name } } }` },
  { name: 'thumbnail URL alone (computed from sizes)', query: `{ Articles(limit: 3) { docs { heroImage { thumbnailURL } } } }` },
  { name: 'second page without pagination fields', query: `{ Articles(limit: 4, page: 2, sort: "title") { docs { title } } }` },
  { name: 'second page with its pagination fields', query: `{ Articles(limit: 4, page: 2, sort: "title") { page limit totalPages docs { title } } }` },
  { name: 'services and faqs', query: `{ Services(limit: 20) { docs { name slug } } Faqs(limit: 20) { docs { question } } }` },
]

const fill = (query: string) => query.replace('${conditionId}', String(conditionId)).replace('${articleId}', String(articleId))

const reference = (query: string) => query.replace(/docs \{|(Condition|Article)\(id: \d+\) \{/, (match) => `${match} jsonLd `)

describe('GraphQL answers', () => {
  it.each(queries().map((entry) => [entry.name, entry.query]))('%s: the same bytes as a full read', async (_name, template) => {
    const query = fill(template)
    const full = reference(query)
    expect(full).not.toBe(query)
    // Twice: the second request is the one that reuses the validated document.
    for (let round = 0; round < 2; round++) {
      const answer = await http.gql(query)
      const expected = await http.gql(full)
      expect(answer.status).toBe(200)
      expect(answer.json.errors).toBeUndefined()
      expect(JSON.stringify(answer.json)).toBe(JSON.stringify(withoutJsonLd(expected.json)))
    }
  })

  it('refusals and errors are answered as before, also the second time', async () => {
    for (let round = 0; round < 2; round++) {
      const unknown = await http.gql(`{ Articles { docs { nope } } }`)
      expect(unknown.status).toBe(400)
      expect(unknown.json.errors[0].message).toMatch(/nope/)
      const variables = await http.gql(`query Q($n: Int!) { Articles(limit: $n) { docs { title } } }`, { n: 'many' })
      expect(variables.status).toBe(400)
      const limited = await http.gql(`query Q($n: Int!) { Articles(limit: $n) { docs { title } } }`, { n: 2 })
      expect(limited.json.data.Articles.docs).toHaveLength(2)
    }
  })

  it('the body is read once by the cost check and handed on: JSON with a charset, other JSON-ish types and non-object bodies answer as Payload answers them', async () => {
    const { POST } = await import('../../src/app/(payload)/api/graphql/route')
    const post = (contentType: string, body: string) =>
      POST(new Request('http://localhost:3000/api/graphql', { method: 'POST', headers: { 'Content-Type': contentType }, body }))
    const query = JSON.stringify({ query: '{ Articles(limit: 2, sort: "title") { docs { title } } }' })
    const plain = await post('application/json', query)
    const charset = await post('application/json; charset=utf-8', query)
    expect(plain.status).toBe(200)
    expect(plain.headers.get('content-type')).toBe('application/json; charset=utf-8')
    const text = await plain.text()
    expect(JSON.parse(text).data.Articles.docs).toHaveLength(2)
    expect(await charset.text()).toBe(text)
    // Payload parses only exactly application/json as JSON: graphql-http refuses the rest with 415, no body.
    const odd = await post('text/application/json', query)
    expect(odd.status).toBe(415)
    expect(await odd.text()).toBe('')
    // A JSON body that is no object, or has no query: graphql-http's 400s.
    for (const [body, message] of [['null', /must be an object/], ['[1]', /query/i], ['{"nope":1}', /query/i]] as const) {
      const response = await post('application/json', body)
      expect(response.status, body).toBe(400)
      expect((await response.json()).errors[0].message, body).toMatch(message)
    }
  })
})
