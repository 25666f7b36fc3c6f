import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'

/**
 * jsonLd is built only for reads that can show it (src/fields/jsonLd.ts, src/query/graphqlSelection.ts),
 * counted through the real `clinic_jsonld_builds_total` counter; responses that do select it are
 * the same as when every read built it.
 */
let ctx: TestPayload
let http: typeof import('../helpers/http')
let builds: () => Promise<number>

beforeAll(async () => {
  ctx = await startTestPayload('jsonld-selection')
  http = await import('../helpers/http')
  const { seed } = await import('../../src/seed')
  await seed(ctx.payload)
  const { metrics } = await import('../../src/metrics/registry')
  builds = async () => (await metrics().jsonLdBuilds.get()).values.reduce((sum, value) => sum + value.value, 0)
}, 300_000)

afterAll(async () => {
  if (ctx) await stopTestPayload(ctx)
})

const FRONT_PAGE = `query { Articles(limit: 10, sort: "-publishedAt") { docs { title slug excerpt heroImage { url } conditions { name slug } } } }`
const WITH_JSONLD = `query { Articles(limit: 10, sort: "-publishedAt") { docs { slug jsonLd conditions { name jsonLd } } } }`
const THROUGH_FRAGMENT = `query { Articles(limit: 3) { docs { ...Ld } } } fragment Ld on Article { slug jsonLd }`

const buildsDuring = async <T>(read: () => Promise<T>) => {
  const before = await builds()
  const result = await read()
  return { result, builds: (await builds()) - before }
}

describe('jsonLd only when selected', () => {
  it('GraphQL without jsonLd in the query builds none', async () => {
    const { result, builds: count } = await buildsDuring(() => http.gql(FRONT_PAGE))
    expect(result.status).toBe(200)
    expect(result.json.data.Articles.docs).toHaveLength(10)
    expect(count).toBe(0)
  })

  it('GraphQL selecting jsonLd (directly or through a fragment) gets it, built from the whole document', async () => {
    const { result, builds: count } = await buildsDuring(() => http.gql(WITH_JSONLD))
    expect(count).toBeGreaterThan(0)
    const docs = result.json.data.Articles.docs
    // Expected content: what the Local API (no select) computes for the same documents.
    for (const doc of docs) {
      const { docs: [full] } = await ctx.payload.find({ collection: 'articles', where: { slug: { equals: doc.slug } }, overrideAccess: false })
      expect(doc.jsonLd).toEqual(full.jsonLd)
      expect(doc.jsonLd['@type']).toBe('BlogPosting')
      expect(doc.jsonLd.headline).toBeTruthy()
      for (const condition of doc.conditions) expect(condition.jsonLd['@type']).toBe('MedicalWebPage')
    }
    const fragment = await http.gql(THROUGH_FRAGMENT)
    for (const doc of fragment.json.data.Articles.docs) expect(doc.jsonLd['@type']).toBe('BlogPosting')
  })

  it('REST without select keeps jsonLd and the relatedArticles join; select without them builds none', async () => {
    const all = await http.api('GET', '/conditions?limit=5&depth=1')
    expect(all.status).toBe(200)
    for (const doc of all.json.docs) {
      expect(doc.jsonLd['@type']).toBe('MedicalWebPage')
      expect(doc.relatedArticles).toHaveProperty('docs')
    }
    const { result, builds: count } = await buildsDuring(() => http.api('GET', '/articles?limit=10&select[title]=true&select[slug]=true'))
    expect(result.status).toBe(200)
    expect(count).toBe(0)
    for (const doc of result.json.docs) expect(Object.keys(doc).sort()).toEqual(['id', 'slug', 'title'])
    const conditions = await buildsDuring(() => http.api('GET', '/conditions?limit=5&select[name]=true'))
    expect(conditions.builds).toBe(0)
    for (const doc of conditions.result.json.docs) expect(doc).not.toHaveProperty('relatedArticles')
  })

  it('GraphQL answers are the same with and without the saving, for queries that select jsonLd or not', async () => {
    // The same query plus jsonLd takes the path where every read builds it: minus that key, the same answer.
    // (Payload's own `select: true` is no reference: it answers heroImage.url null.)
    const plain = await http.gql(FRONT_PAGE)
    const withJsonLd = await http.gql(FRONT_PAGE.replace('docs { title', 'docs { jsonLd title'))
    const expected = withJsonLd.json.data.Articles.docs.map(({ jsonLd, ...rest }: any) => (expect(jsonLd).toBeTruthy(), rest))
    expect(plain.json).toEqual({ data: { Articles: { docs: expected } } })
    expect(expected[0].heroImage.url).toMatch(/^http/)
    const clinic = await http.gql(`query { Clinic { name jsonLd } }`)
    expect(clinic.json.data.Clinic.jsonLd['@type']).toBeTruthy()
    const local = await ctx.payload.findGlobal({ slug: 'clinic', overrideAccess: false })
    expect(clinic.json.data.Clinic.jsonLd).toEqual(local.jsonLd)
  })
})
