import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { chooseDatabase, DatabaseUriError } from '../../src/database'
import { PASSWORD, richText } from '../helpers/fixtures'
import { type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'
import { startStaffPayload } from '../helpers/staffPayload'

// Set by beforeAll: the test Payload, the REST helpers, and the editor's token.
let ctx: TestPayload, http: typeof import('../helpers/http'), token: string

beforeAll(async () => {
  ;({ ctx, http, editorToken: token } = await startStaffPayload('bad-input'))
})

afterAll(() => stopTestPayloadIfStarted(ctx))

const fieldErrors = (json: unknown) => http.fieldErrors(json)

describe('bad input gets a 400 with field errors, never a 500', () => {
  it('missing title', async () => {
    const response = await http.api('POST', '/articles', { body: { content: richText('x'), _status: 'published' }, credentials: { token } })
    expect(response.status).toBe(400)
    expect(fieldErrors(response.json).map((error) => error.path)).toContain('title')
  })

  it('duplicate slug', async () => {
    const body = { title: 'Carpal tunnel relief', slug: 'carpal-tunnel-relief', content: richText('x'), _status: 'published' }
    expect((await http.api('POST', '/articles', { body, credentials: { token } })).status).toBe(201)
    const duplicate = await http.api('POST', '/articles', { body: { ...body, title: 'Another' }, credentials: { token } })
    expect(duplicate.status).toBe(400)
    expect(fieldErrors(duplicate.json).map((error) => error.path)).toContain('slug')
    const count = await ctx.payload.count({ collection: 'articles', where: { slug: { equals: 'carpal-tunnel-relief' } } })
    expect(count.totalDocs).toBe(1)
  })

  it('invalid URLs', async () => {
    for (const bookingUrl of ['not a url', 'javascript:alert(1)', '/relative/path']) {
      const response = await http.api('POST', '/services', {
        body: { name: `Bad ${bookingUrl}`, category: 'medical', options: [{ durationMinutes: 60, price: 100 }], bookingUrl, _status: 'published' },
        credentials: { token },
      })
      expect(response.status, bookingUrl).toBe(400)
      const [error] = fieldErrors(response.json)
      expect(error.path).toBe('bookingUrl')
      expect(error.message).toMatch(/http/)
    }
  })

  it('wrong types, unknown options and malformed JSON', async () => {
    const wrongType = await http.api('POST', '/services', {
      body: { name: 'Typed', category: 'medical', options: [{ durationMinutes: 'sixty', price: 100 }], _status: 'published' },
      credentials: { token },
    })
    expect(wrongType.status).toBe(400)
    const unknownCategory = await http.api('POST', '/services', {
      body: { name: 'Category', category: 'tattoo', options: [{ durationMinutes: 60, price: 1 }], _status: 'published' },
      credentials: { token },
    })
    expect(unknownCategory.status).toBe(400)
    const malformed = await http.api('POST', '/articles', { body: '{"title": ', credentials: { token }, headers: { 'Content-Type': 'application/json' } })
    expect(malformed.status).toBeGreaterThanOrEqual(400)
    expect(malformed.status).toBeLessThan(500)
  })

  it('clinic settings validate times and timezones', async () => {
    const adminToken = await http.login('owner@clinic.test', PASSWORD)
    const response = await http.api('POST', '/globals/clinic', {
      body: { name: 'Clinic', bookingUrl: 'https://example.com', timezone: 'Mars/Olympus', openingHours: [{ days: ['monday'], opens: '9am', closes: '17:00' }] },
      credentials: { token: adminToken },
    })
    expect(response.status).toBe(400)
    const paths = fieldErrors(response.json).map((error) => error.path)
    expect(paths).toContain('timezone')
    expect(paths).toContain('openingHours.0.opens')
  })

  it('unknown ids answer 404', async () => {
    expect((await http.api('GET', '/articles/999999', { credentials: { token } })).status).toBe(404)
    expect((await http.api('PATCH', '/articles/999999', { body: { title: 'x' }, credentials: { token } })).status).toBe(404)
  })
})

describe('documents of the wrong shape get a 400, not a 500 from a hook that assumed the shape', () => {
  const countAll = async () => {
    let total = 0
    for (const collection of ['articles', 'conditions', 'services', 'faqs', 'newsletters'] as const) {
      total += (await ctx.payload.count({ collection, overrideAccess: true })).totalDocs
    }
    return total
  }

  it('a body that is not an object', async () => {
    const before = await countAll()
    const { docs } = await ctx.payload.find({ collection: 'articles', limit: 1, overrideAccess: true })
    for (const body of ['""', 'true', '2147483648', 'null', '"a string"', '[1, 2]']) {
      for (const collection of ['articles', 'conditions', 'services', 'faqs', 'newsletters']) {
        const created = await http.api('POST', `/${collection}`, { body, credentials: { token } })
        expect(created.status, `POST /${collection} ${body}`).toBe(400)
        expect(created.json.errors[0].message).toMatch(/JSON object/)
      }
      if (docs[0]) {
        const patched = await http.api('PATCH', `/articles/${docs[0].id}`, { body, credentials: { token } })
        expect(patched.status, `PATCH ${body}`).toBe(400)
      }
    }
    expect(await countAll()).toBe(before)
  })

  it('JSON nested thousands of levels deep, and ids that cannot exist on writes', async () => {
    const before = await countAll()
    // Written as text: JSON.stringify itself cannot go this deep.
    const levels = 10_000
    const nested = `${'{"type":"paragraph","children":['.repeat(levels)}${']}'.repeat(levels)}`
    // Payload deep-copies the body recursively before its validation: it overflowed the stack (500).
    for (const body of [nested, `{"title":"Deep","content":${nested}}`, `{"title":"Deep","symptoms":[${nested}]}`]) {
      const response = await http.api('POST', '/articles', { body, credentials: { token } })
      expect(response.status, response.text.slice(0, 200)).toBe(400)
      const [error] = fieldErrors(response.json)
      expect(error?.message ?? response.json.errors[0].message).toMatch(/nests more than \d+ levels|Rich text/)
    }
    for (const id of ['Infinity', '1.5', '-1', 'abc']) {
      expect((await http.api('PATCH', `/services/${id}`, { body: { name: 'x' }, credentials: { token } })).status, id).toBe(404)
      expect((await http.api('DELETE', `/services/${id}`, { credentials: { token } })).status, id).toBe(404)
    }
    expect(await countAll()).toBe(before)
  })

  it('lists and objects where a single value belongs (_status, slug, name)', async () => {
    const before = await countAll()
    const base = { name: 'Shape test', summary: 'A summary.' }
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['conditions', { ...base, _status: { a: 1 } }, '_status'],
      ['conditions', { ...base, _status: [1] }, '_status'],
      ['conditions', { ...base, _status: 'live' }, '_status'],
      ['conditions', { ...base, slug: [['x']] }, 'slug'],
      ['services', { name: [{ a: 1 }], category: 'medical', options: [{ durationMinutes: 60, price: 100 }] }, 'name'],
      ['conditions', { ...base, symptoms: -5 }, 'symptoms'],
    ]
    for (const [collection, body, path] of cases) {
      const response = await http.api('POST', `/${collection}`, { body, credentials: { token } })
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(response.json.errors[0].message).toContain(`"${path}"`)
    }
    expect(await countAll()).toBe(before)
  })
})

describe('GraphQL limits', () => {
  it('refuses queries above the complexity limit before running them', async () => {
    const nested = 'docs { title conditions { name relatedServices { name conditions { name relatedServices { name } } } } }'
    const query = `{ ${Array.from({ length: 60 }, (_, i) => `a${i}: Articles(limit: 100) { ${nested} }`).join(' ')} }`
    const { status, json } = await http.gql(query)
    // The project's documents limit (src/query/graphqlCost.ts) refuses it before Payload's complexity rule.
    expect(status).toBe(400)
    expect(json.data).toBeUndefined()
    expect(json.errors[0].message).toMatch(/exceeds the maximum complexity of 1000|over the limit of \d+ documents/)
  })
})

describe('DATABASE_URI', () => {
  it('selects SQLite by default and for file:, MongoDB for mongodb:// and mongodb+srv://', () => {
    expect(chooseDatabase(undefined)).toEqual({ kind: 'sqlite', url: 'file:./data/cms.db' })
    expect(chooseDatabase('  ')).toEqual({ kind: 'sqlite', url: 'file:./data/cms.db' })
    expect(chooseDatabase('file:/tmp/x.db').kind).toBe('sqlite')
    expect(chooseDatabase('mongodb://mongo:27017/cms?replicaSet=rs0').kind).toBe('mongodb')
    expect(chooseDatabase('mongodb+srv://cluster.example.net/cms').kind).toBe('mongodb')
  })

  it('refuses other schemes with one line naming the accepted forms', () => {
    expect(() => chooseDatabase('postgres://user:secret@host/db')).toThrow(DatabaseUriError)
    try {
      chooseDatabase('postgres://user:secret@host/db')
    } catch (error) {
      const message = (error as Error).message
      expect(message).not.toContain('\n')
      expect(message).not.toContain('secret')
      expect(message).toMatch(/file:.*mongodb:\/\/.*mongodb\+srv:\/\//)
    }
  })
})
