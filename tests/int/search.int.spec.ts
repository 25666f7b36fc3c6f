import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../helpers/fixtures'
import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'

/**
 * GET /api/search and GraphQL `Search` over real HTTP on the demo content (src/seed):
 * relevance (typos, plurals, each searched field), published documents only, highlighted and
 * escaped snippets, bad input refused with 400, and changes made through the Local API showing
 * up once the index has taken them in (the cross-process case is tests/int/search-freshness.int.spec.ts).
 */
let ctx: TestPayload
let http: typeof import('../helpers/http')
let server: { url: string; close: () => Promise<void> }
let service: import('../../src/search/service').SearchService

beforeAll(async () => {
  ctx = await startTestPayload('search')
  http = await import('../helpers/http')
  const { seed } = await import('../../src/seed')
  await seed(ctx.payload)
  server = await http.serveRestRoutes()
  service = (await import('../../src/search/service')).searchServiceFor(ctx.payload)
}, 300_000)

afterAll(async () => {
  service?.stop()
  await server?.close()
  if (ctx) await stopTestPayload(ctx)
})

const search = async (query: string) => {
  const response = await fetch(`${server.url}/api/search?${query}`)
  return { status: response.status, headers: response.headers, json: (await response.json()) as any }
}
const searchFor = async (q: string, extra = '') => {
  const { status, json } = await search(`q=${encodeURIComponent(q)}${extra}`)
  expect(status, JSON.stringify(json)).toBe(200)
  return json as { results: Array<{ collection: string; id: number; slug: string | null; title: string; snippet: string; score: number }>; total: number }
}

/** A query, and the document a reader expects among the first `within` results (by title). */
const RELEVANCE: Array<{ q: string; top: string; within?: number; why: string }> = [
  { q: 'frozen shoulder', top: 'Frozen shoulder (adhesive capsulitis)', within: 2, why: 'a condition by name' },
  { q: 'frozn sholder', top: 'Frozen shoulder (adhesive capsulitis)', within: 2, why: 'a typo in each word' },
  { q: 'shoulders', top: 'Frozen shoulder (adhesive capsulitis)', within: 5, why: 'a plural finds the singular' },
  { q: 'carpal tunnel', top: 'Carpal tunnel syndrome', within: 2, why: 'two words' },
  { q: 'carpel tunel', top: 'Carpal tunnel syndrome', within: 2, why: 'common misspellings' },
  { q: 'sciatica', top: 'Sciatica', within: 1, why: 'one word, exact' },
  { q: 'siatica', top: 'Sciatica', within: 1, why: 'a letter missing' },
  { q: 'fibromyalgai', top: 'Fibromyalgia', within: 1, why: 'two letters swapped in a long word' },
  { q: 'low back pain', top: 'Low back pain', within: 2, why: 'a common phrase' },
  { q: 'headaches', top: 'Tension headaches', within: 2, why: 'plural of the title word' },
  { q: 'thoracic outlet', top: 'Thoracic outlet syndrome (TOS)', within: 2, why: 'part of a name' },
  { q: 'hip flexor', top: 'Tight hip flexors', within: 2, why: 'singular of the title word' },
  { q: 'lymphatic drainage', top: 'Manual lymphatic drainage', within: 1, why: 'a service' },
  { q: 'facials', top: 'Custom facial', within: 3, why: 'plural, a service' },
  { q: 'prescription referral', top: 'Do I need a prescription or referral from my doctor?', within: 1, why: 'an FAQ question' },
  { q: 'insurance cover', top: 'Does health insurance cover medical massage?', within: 2, why: 'FAQ and article share it' },
  { q: 'numbness tingling', top: 'Thoracic outlet syndrome (TOS)', within: 4, why: 'symptoms only' },
  { q: 'myofascial', top: 'Myofascial release session', within: 2, why: 'a technique and a service' },
  { q: 'joint replacement', top: 'Joint replacement recovery', within: 3, why: 'condition, service and article share it' },
  { q: 'stretching', top: 'Tight hip flexors', within: 8, why: 'a verb form finds the noun (stretch, stretches)' },
]

describe('relevance on the demo content', () => {
  it.each(RELEVANCE)('"$q" finds "$top" ($why)', async ({ q, top, within = 1 }) => {
    const { results, total } = await searchFor(q)
    const titles = results.map((result) => result.title)
    expect(titles.slice(0, within), titles.join(' | ')).toContain(top)
    expect(total).toBeGreaterThanOrEqual(results.length)
  })

  it('answers the documented shape, scores in order, snippets with the match in <mark>', async () => {
    const { results, total } = await searchFor('frozen shoulder', '&limit=3')
    expect(results).toHaveLength(3)
    expect(total).toBeGreaterThan(3)
    for (const result of results) {
      expect(Object.keys(result).sort()).toEqual(['collection', 'id', 'score', 'slug', 'snippet', 'title'])
      expect(['articles', 'conditions', 'services', 'faqs']).toContain(result.collection)
      expect(result.snippet).toMatch(/<mark>(frozen|shoulders?)<\/mark>/i)
    }
    const scores = results.map((result) => result.score)
    expect([...scores].sort((a, b) => b - a)).toEqual(scores)
    const condition = results.find((result) => result.collection === 'conditions')!
    expect(condition.slug).toBe('frozen-shoulder')
    // A typo still highlights the word as written in the document.
    const typo = await searchFor('frozn sholder', '&limit=1')
    expect(typo.results[0].snippet).toMatch(/<mark>[Ff]rozen<\/mark>|<mark>[Ss]houlders?<\/mark>/)
  })

  it('restricts to the named collections and respects limit', async () => {
    const faqsOnly = await searchFor('massage', '&collections=faqs&limit=50')
    expect(faqsOnly.results.length).toBeGreaterThan(3)
    expect(new Set(faqsOnly.results.map((result) => result.collection))).toEqual(new Set(['faqs']))
    const two = await searchFor('massage', '&collections=articles,services&limit=2')
    expect(two.results).toHaveLength(2)
    expect(two.total).toBeGreaterThan(2)
    for (const result of two.results) expect(['articles', 'services']).toContain(result.collection)
  })
})

describe('published documents only, and fresh', () => {
  it('never finds a draft, nor the draft text of a published document, and finds a publish and loses an unpublish', async () => {
    const { payload } = ctx
    const draft = await payload.create({
      collection: 'articles',
      draft: true,
      data: { _status: 'draft', title: 'Quokka zygomatic draft', slug: 'quokka-draft', content: richText('Quokka zygomatic.') },
    })
    const published = await payload.find({ collection: 'conditions', where: { slug: { equals: 'sciatica' } } })
    await payload.update({ collection: 'conditions', id: published.docs[0].id, draft: true, data: { summary: 'Wombat sciatica draft summary.' } })
    await service.refresh()
    expect((await searchFor('quokka')).total).toBe(0)
    expect((await searchFor('zygomatic')).total).toBe(0)
    expect((await searchFor('wombat')).total).toBe(0)

    await payload.update({ collection: 'articles', id: draft.id, data: { _status: 'published' } })
    await service.refresh()
    const found = await searchFor('quokka')
    expect(found.results.map((result) => result.title)).toEqual(['Quokka zygomatic draft'])
    expect(found.results[0].slug).toBe('quokka-draft')

    await payload.update({ collection: 'articles', id: draft.id, data: { _status: 'draft' } })
    await service.refresh()
    expect((await searchFor('quokka')).total).toBe(0)

    await payload.update({ collection: 'articles', id: draft.id, data: { _status: 'published', title: 'Platypus instead' } })
    await payload.delete({ collection: 'articles', id: draft.id })
    await service.refresh()
    expect((await searchFor('platypus')).total).toBe(0)
  })

  it('escapes what editors wrote in the snippet and the title stays text', async () => {
    const { payload } = ctx
    await payload.create({
      collection: 'articles',
      data: {
        _status: 'published',
        title: 'Axolotl <script>alert(1)</script> care',
        slug: 'axolotl',
        excerpt: 'The <b>axolotl</b> & "friends" say <img src=x onerror=alert(1)>.',
        content: richText('Body.'),
      },
    })
    await service.refresh()
    const { results } = await searchFor('axolotl')
    expect(results[0].title).toBe('Axolotl <script>alert(1)</script> care')
    expect(results[0].snippet).toBe('The &lt;b&gt;<mark>axolotl</mark>&lt;/b&gt; &amp; &quot;friends&quot; say &lt;img src=x onerror=alert(1)&gt;.')
  })
})

describe('bad input', () => {
  it.each([
    ['', /Give the words to search for/],
    ['q=', /Give the words to search for/],
    ['q=%20%20', /Give the words to search for/],
    [`q=${'a'.repeat(201)}`, /201 characters long: at most 200/],
    [`q=${Array.from({ length: 13 }, (_, i) => `w${i}`).join('+')}`, /13 words: search with at most 12/],
    ['q=%3F%3F%3F', /no letters or digits/],
    ['q=back&collections=users', /"users" cannot be searched/],
    ['q=back&collections=articles,,faqs', /"" cannot be searched/],
    ['q=back&limit=0', /"limit" must be a whole number from 1 to 50/],
    ['q=back&limit=51', /"limit" must be a whole number from 1 to 50/],
    ['q=back&limit=ten', /"limit" must be a whole number from 1 to 50/],
    ['q=back&limit=1.5', /"limit" must be a whole number from 1 to 50/],
  ])('?%s → 400', async (query, message) => {
    const { status, json, headers } = await search(query)
    expect(status).toBe(400)
    expect(json.errors[0].message).toMatch(message)
    expect(headers.get('cache-control')).toBe('no-store')
  })
})

describe('GraphQL Search', () => {
  it('answers the same results as REST, ids as strings', async () => {
    const rest = await searchFor('carpel tunel', '&collections=conditions,articles&limit=4')
    const { status, json } = await http.gql(
      `query ($q: String!) { Search(q: $q, collections: ["conditions", "articles"], limit: 4) { total results { collection id slug title snippet score } } }`,
      { q: 'carpel tunel' },
    )
    expect(status).toBe(200)
    expect(json.errors).toBeUndefined()
    expect(json.data.Search.total).toBe(rest.total)
    expect(json.data.Search.results).toEqual(rest.results.map((result) => ({ ...result, id: String(result.id) })))
  })

  it('refuses bad input with the same message', async () => {
    const { json } = await http.gql(`{ Search(q: "back", collections: ["users"]) { total } }`)
    expect(json.errors[0].message).toBe('"users" cannot be searched: "collections" takes articles, conditions, services, faqs.')
    const limit = await http.gql(`{ Search(q: "back", limit: 500) { total } }`)
    expect(limit.json.errors[0].message).toMatch(/"limit" must be a whole number from 1 to 50/)
  })
})

describe('typo tolerance is for words the site does not contain', () => {
  it('"joint" finds joints, not every "point"; "joimt" (one letter wrong) still finds the joint', async () => {
    const { SearchIndex } = await import('../../src/search/searchIndex')
    const entry = (key: string, title: string) =>
      ({ key, collection: 'articles', id: key, slug: key, title, excerpt: '', body: '', symptoms: '', techniques: '' }) as const
    const index = new SearchIndex([entry('a', 'Joint replacement recovery'), entry('b', 'Trigger point therapy')])
    const all = { collections: new Set(['articles'] as const), limit: 10 }
    expect(index.hasTerm('joint')).toBe(true)
    expect(index.search('joint', all).results.map((hit) => hit.title)).toEqual(['Joint replacement recovery'])
    expect(index.search('point', all).results.map((hit) => hit.title)).toEqual(['Trigger point therapy'])
    expect(index.search('joimt', all).results.map((hit) => hit.title)).toEqual(['Joint replacement recovery'])
    // Once the only joint is gone, "joint" is a word the site does not contain: a typo of "point".
    index.remove('a')
    expect(index.hasTerm('joint')).toBe(false)
    expect(index.search('joint', all).results.map((hit) => hit.title)).toEqual(['Trigger point therapy'])
  })
})
