import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../helpers/fixtures'
import { stopTestPayloadIfStarted, type TestPayload } from '../helpers/payload'
import { startStaffPayload } from '../helpers/staffPayload'

/**
 * Redirects (README "Redirects"): a published slug change leaves a 301 from the old front-end
 * path, chains collapse, loops are refused, a source that is live again loses its redirect;
 * GET /api/redirects/resolve answers front ends; publish webhooks carry the old path.
 */
let ctx: TestPayload
let payload: Payload
let http: typeof import('../helpers/http')
let token: string
let articleId: number

const renameTo = (slug: string, extra: Record<string, unknown> = {}) =>
  http.api('PATCH', `/articles/${articleId}`, { credentials: { token }, body: { slug, _status: 'published', ...extra } })

/** Every redirect as `from → to`, sorted, read anonymously over REST. */
const redirectTable = async () => {
  const { status, json } = await http.api('GET', '/redirects?limit=100&depth=0')
  expect(status).toBe(200)
  return json.docs.map((doc: any) => `${doc.from} → ${doc.to.url} ${doc.type}`).sort()
}

const resolve = (path: string) => http.api('GET', `/redirects/resolve?path=${encodeURIComponent(path)}`)

beforeAll(async () => {
  ;({ ctx, http, editorToken: token } = await startStaffPayload('redirects', { name: 'Clinic', bookingUrl: 'https://example.com/book' }))
  payload = ctx.payload
  await payload.create({ collection: 'webhooks', data: { name: 'Site', url: 'https://hooks.clinic.test/cms', events: ['update'], collections: ['articles'] } as never })
  const created = await http.api('POST', '/articles', { credentials: { token }, body: { title: 'Neck', slug: 'a', content: richText('x'), _status: 'published' } })
  expect(created.status).toBe(201)
  articleId = created.json.doc.id
}, 120_000)

afterAll(() => stopTestPayloadIfStarted(ctx))

describe('automatic redirects', () => {
  it('a published slug change creates a 301 from the old front-end path; resolve answers it', async () => {
    expect((await renameTo('b')).status).toBe(200)
    expect(await redirectTable()).toEqual(['/articles/a → /articles/b 301'])
    const resolved = await resolve('/articles/a')
    expect(resolved.status).toBe(200)
    expect(resolved.json).toEqual({ to: '/articles/b', status: 301 })
    expect((await resolve('/articles/a/')).json.to).toBe('/articles/b')
    const gql = await http.gql('{ Redirects { docs { from to { url } type } } }')
    // GraphQL enum values cannot start with a digit: Payload names 301 `_301`.
    expect(gql.json.data.Redirects.docs).toEqual([{ from: '/articles/a', to: { url: '/articles/b' }, type: '_301' }])
  })

  it('the publish webhook carries the old path', async () => {
    const { docs } = await payload.find({ collection: 'webhook-deliveries', where: { event: { equals: 'update' } }, sort: '-createdAt', limit: 1, overrideAccess: true })
    const body = JSON.parse(docs[0]!.body as string)
    expect(body).toMatchObject({ event: 'update', slug: 'b', previousSlug: 'a', oldPath: '/articles/a' })
  })

  it('chains collapse (A→B then B→C leaves A→C and B→C); a path live again loses its redirect', async () => {
    await renameTo('c')
    expect(await redirectTable()).toEqual(['/articles/a → /articles/c 301', '/articles/b → /articles/c 301'])
    await renameTo('a')
    expect(await redirectTable()).toEqual(['/articles/b → /articles/a 301', '/articles/c → /articles/a 301'])
    expect((await resolve('/articles/a')).status).toBe(404)
  })

  it('a draft save with a new slug changes no public path and makes no redirect', async () => {
    const draft = await http.api('PATCH', `/articles/${articleId}?draft=true`, { credentials: { token }, body: { slug: 'draft-slug', _status: 'draft' } })
    expect(draft.status).toBe(200)
    expect(await redirectTable()).toEqual(['/articles/b → /articles/a 301', '/articles/c → /articles/a 301'])
  })
})

describe('redirects edited by staff', () => {
  const create = (from: string, url: string, credentials: { token?: string } = { token }) =>
    http.api('POST', '/redirects', { credentials, body: { from, to: { type: 'custom', url }, type: '301' } })

  it('anyone reads, only staff write', async () => {
    expect((await http.api('POST', '/redirects', { body: { from: '/x', to: { type: 'custom', url: '/y' } } })).status).toBe(403)
  })

  it('collapses onto an existing chain and refuses loops with a 400 naming them', async () => {
    expect((await create('/old-prices', '/prices')).status).toBe(201)
    expect((await create('/prices', '/services')).status).toBe(201)
    expect((await resolve('/old-prices')).json).toEqual({ to: '/services', status: 301 })
    // Forward: a new redirect to a redirected path goes to its end at once.
    const forward = await create('/older-prices', '/old-prices')
    expect(forward.json.doc.to.url).toBe('/services')
    const loop = await create('/services', '/old-prices')
    expect(loop.status).toBe(400)
    expect(http.fieldErrors(loop.json)[0]).toMatchObject({ path: 'to.url' })
    expect(http.fieldErrors(loop.json)[0].message).toMatch(/would loop: \/services → \/old-prices → \/services/)
    const self = await create('/same', '/same')
    expect(self.status).toBe(400)
    expect(http.fieldErrors(self.json)[0].message).toMatch(/loop/)
    // To a document whose page is the redirect's own source.
    const toItself = await http.api('POST', '/redirects', {
      credentials: { token },
      body: { from: '/articles/a', to: { type: 'reference', reference: { relationTo: 'articles', value: articleId } }, type: '301' },
    })
    expect(toItself.status).toBe(400)
    expect(http.fieldErrors(toItself.json)[0]).toMatchObject({ path: 'to.reference' })
    const toDocument = await http.api('POST', '/redirects', {
      credentials: { token },
      body: { from: '/neck', to: { type: 'reference', reference: { relationTo: 'articles', value: articleId } }, type: '302' },
    })
    expect(toDocument.status).toBe(201)
    expect((await resolve('/neck')).json).toEqual({ to: '/articles/a', status: 302 })
    const notPath = await create('https://elsewhere.test/x', '/y')
    expect(notPath.status).toBe(400)
    expect(http.fieldErrors(notPath.json)[0]).toMatchObject({ path: 'from' })
  })

  it('resolve: 400 for a missing, over-long or non-path `path`, 404 for none', async () => {
    for (const query of ['', '?path=', `?path=/${'a'.repeat(1001)}`, '?path=https%3A%2F%2Fevil.test%2F', '?path=%2F%2Fevil.test', '?path=/a&path=/b']) {
      const { status, json } = await http.api('GET', `/redirects/resolve${query}`)
      expect(status, query).toBe(400)
      expect(json.errors[0].message).toMatch(/path/)
    }
    const none = await resolve('/nothing-here')
    expect(none.status).toBe(404)
    expect(none.json.errors[0].message).toBe('No redirect from /nothing-here.')
  })
})
