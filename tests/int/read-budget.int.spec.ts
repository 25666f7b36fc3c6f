import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../helpers/fixtures'
import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'

/**
 * The per-request documents counter (src/query/readGuards.ts) stops reads the static
 * limits let through: a small budget here, so a handful of documents exceeds it.
 */
let ctx: TestPayload
let http: typeof import('../helpers/http')

beforeAll(async () => {
  process.env.QUERY_MAX_DOCUMENTS = '20'
  ctx = await startTestPayload('read-budget')
  http = await import('../helpers/http')
  for (let i = 0; i < 25; i++) {
    await ctx.payload.create({
      collection: 'faqs',
      data: { _status: 'published', question: `Question ${i}?`, answer: richText(`Answer ${i}.`), category: 'general' },
    })
  }
})

afterAll(async () => {
  delete process.env.QUERY_MAX_DOCUMENTS
  if (ctx) await stopTestPayload(ctx)
})

describe('documents budget per request', () => {
  it('refuses a REST read that materialises more documents than the budget, with 400', async () => {
    const within = await http.api('GET', '/faqs?limit=20')
    expect(within.status).toBe(200)
    const over = await http.api('GET', '/faqs?limit=25')
    expect(over.status, over.text).toBe(400)
    expect(over.json.errors[0].message).toMatch(/more than 20 documents/)
  })

  it('refuses a GraphQL query estimated over the budget before it runs', async () => {
    const response = await http.gql('{ Faqs(limit: 25) { docs { question } } }')
    expect(response.status).toBe(400)
    expect(response.json.errors[0].message).toMatch(/over the limit of 20 documents/)
  })

  it('the Local API (project code, seed, worker) is not limited', async () => {
    const { docs } = await ctx.payload.find({ collection: 'faqs', limit: 25 })
    expect(docs).toHaveLength(25)
  })
})
