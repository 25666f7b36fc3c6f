import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startTestPayload, type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'
import { createStaff, PASSWORD, richText } from '../helpers/fixtures'

let ctx: TestPayload
let http: typeof import('../helpers/http')
let adminToken: string
let editorToken: string
let editorApiKey: string
const ids: Record<string, number> = {}

beforeAll(async () => {
  ctx = await startTestPayload('access')
  http = await import('../helpers/http')
  const { payload } = ctx
  const { editor } = await createStaff(payload)
  editorApiKey = 'editor-preview-key-0123456789abcdef'
  await payload.update({
    collection: 'users',
    id: editor.id,
    data: { enableAPIKey: true, apiKey: editorApiKey },
    overrideAccess: true,
  })
  adminToken = await http.login('owner@clinic.test', PASSWORD)
  editorToken = await http.login('editor@clinic.test', PASSWORD)

  const draftService = await payload.create({
    collection: 'services',
    draft: true,
    data: { _status: 'draft', name: 'Secret Draft Service', category: 'spa', options: [{ durationMinutes: 60, price: 90 }] },
  })
  ids.draftService = draftService.id
  const condition = await payload.create({
    collection: 'conditions',
    data: { _status: 'published', name: 'Frozen shoulder', slug: 'frozen-shoulder', summary: 'Stiff, painful shoulder.', relatedServices: [draftService.id] },
  })
  ids.condition = condition.id
  const draftCondition = await payload.create({
    collection: 'conditions',
    draft: true,
    data: { _status: 'draft', name: 'Unreleased Condition', summary: 'Not yet.' },
  })
  ids.draftCondition = draftCondition.id

  const published = await payload.create({
    collection: 'articles',
    data: { _status: 'published', title: 'Published Article', slug: 'published-article', content: richText('Public words.'), conditions: [condition.id] },
  })
  ids.published = published.id
  // A newer, unpublished draft of a published article: the public must keep seeing the old title.
  await payload.update({
    collection: 'articles',
    id: published.id,
    draft: true,
    data: { title: 'Pending Draft Title', content: richText('Draft words.') },
  })
  const draft = await payload.create({
    collection: 'articles',
    draft: true,
    data: { _status: 'draft', title: 'Draft Only Article', content: richText('Secret.'), conditions: [condition.id] },
  })
  ids.draft = draft.id
  const faq = await payload.create({
    collection: 'faqs',
    draft: true,
    data: { _status: 'draft', question: 'Draft question?', answer: richText('Draft answer.'), category: 'general' },
  })
  ids.draftFaq = faq.id
})

afterAll(() => stopTestPayloadIfStarted(ctx))

const SECRET_STRINGS = ['Pending Draft Title', 'Draft Only Article', 'Secret Draft Service', 'Unreleased Condition', 'Draft question?']
const expectNoSecrets = (body: string) => {
  for (const secret of SECRET_STRINGS) expect(body).not.toContain(secret)
}

describe('anonymous readers see published content only', () => {
  it('REST lists and reads', async () => {
    const list = await http.api('GET', '/articles?depth=2')
    expect(list.status).toBe(200)
    expect(list.json.docs.map((doc: any) => doc.title)).toEqual(['Published Article'])
    expectNoSecrets(list.text)

    expect((await http.api('GET', `/articles/${ids.draft}`)).status).toBe(404)
    expect((await http.api('GET', `/conditions/${ids.draftCondition}`)).status).toBe(404)
    expect((await http.api('GET', `/faqs/${ids.draftFaq}`)).status).toBe(404)
  })

  it('?draft=true does not reveal drafts', async () => {
    const byId = await http.api('GET', `/articles/${ids.published}?draft=true`)
    expect(byId.status).toBe(200)
    expect(byId.json.title).toBe('Published Article')
    const list = await http.api('GET', '/articles?draft=true&depth=1')
    expect(list.json.docs.map((doc: any) => doc.title)).toEqual(['Published Article'])
    expectNoSecrets(list.text)
    expect((await http.api('GET', `/articles/${ids.draft}?draft=true`)).status).toBe(404)
  })

  it('where on _status cannot widen the rule', async () => {
    const list = await http.api('GET', '/articles?where[_status][equals]=draft&draft=true')
    expect(list.json.docs).toEqual([])
    const or = await http.api('GET', '/articles?where[or][0][_status][equals]=draft&where[or][1][title][like]=Draft')
    expectNoSecrets(or.text)
  })

  it('versions endpoints are closed', async () => {
    expect((await http.api('GET', '/articles/versions')).status).toBe(403)
    const gql = await http.gql('{ versionsArticles { docs { version { title } } } }')
    expect(gql.json.errors?.[0]?.message).toMatch(/not allowed/i)
    expectNoSecrets(JSON.stringify(gql.json))
  })

  it('relationship population and joins hide drafts', async () => {
    const condition = await http.api('GET', `/conditions/${ids.condition}?depth=2`)
    expect(condition.status).toBe(200)
    expectNoSecrets(condition.text)
    const joined = condition.json.relatedArticles.docs.map((doc: any) => (typeof doc === 'object' ? doc.title : doc))
    expect(joined).not.toContain('Draft Only Article')
    expect(joined).not.toContain(ids.draft)

    const gql = await http.gql(`{
      Conditions { docs { name relatedServices { name } relatedArticles { docs { title } } } }
      Articles(draft: true) { docs { title conditions { name } } }
    }`)
    expect(gql.status).toBe(200)
    expect(gql.json.data.Articles.docs.map((doc: any) => doc.title)).toEqual(['Published Article'])
    expectNoSecrets(JSON.stringify(gql.json))
  })

  it('never reads subscribers-style private data: users are closed', async () => {
    expect((await http.api('GET', '/users')).status).toBe(403)
    const gql = await http.gql('{ Users { docs { email } } }')
    expect(JSON.stringify(gql.json)).not.toContain('owner@clinic.test')
  })
})

describe('staff see drafts', () => {
  it('editors read drafts through REST, GraphQL and an API key', async () => {
    const viaToken = await http.api('GET', '/articles?draft=true', { credentials: { token: editorToken } })
    expect(viaToken.json.docs.map((doc: any) => doc.title).sort()).toEqual(['Draft Only Article', 'Pending Draft Title'])
    const viaKey = await http.gql('{ Articles(draft: true) { docs { title } } }', undefined, { apiKey: editorApiKey })
    expect(viaKey.json.data.Articles.docs.map((doc: any) => doc.title).sort()).toEqual(['Draft Only Article', 'Pending Draft Title'])
    expect((await http.api('GET', '/articles/versions', { credentials: { apiKey: editorApiKey } })).status).toBe(200)
  })
})

type Who = 'anonymous' | 'editor' | 'admin'
const credentialsFor = (who: Who) =>
  who === 'anonymous' ? undefined : { token: who === 'admin' ? adminToken : editorToken }

const contentSamples: Record<string, () => Record<string, unknown>> = {
  articles: () => ({ title: `Matrix ${Math.random()}`, content: richText('x'), _status: 'published' }),
  conditions: () => ({ name: `Matrix ${Math.random()}`, summary: 'x', _status: 'published' }),
  services: () => ({ name: `Matrix ${Math.random()}`, category: 'medical', options: [{ durationMinutes: 30, price: 50 }], _status: 'published' }),
  faqs: () => ({ question: `Matrix ${Math.random()}?`, answer: richText('x'), category: 'general', _status: 'published' }),
}

describe('access matrix: who × collection × operation', () => {
  const expectations: Record<Who, { content: Record<'create' | 'read' | 'update' | 'delete', boolean> }> = {
    anonymous: { content: { create: false, read: true, update: false, delete: false } },
    editor: { content: { create: true, read: true, update: true, delete: true } },
    admin: { content: { create: true, read: true, update: true, delete: true } },
  }

  for (const collection of Object.keys(contentSamples)) {
    for (const who of ['anonymous', 'editor', 'admin'] as Who[]) {
      it(`${who} on ${collection}`, async () => {
        const expected = expectations[who].content
        const existing = await ctx.payload.create({ collection: collection as any, data: contentSamples[collection]() as any })
        const credentials = credentialsFor(who)

        const created = await http.api('POST', `/${collection}`, { body: contentSamples[collection](), credentials })
        expect(created.status, created.text).toBe(expected.create ? 201 : 403)

        const read = await http.api('GET', `/${collection}/${existing.id}`, { credentials })
        expect(read.status).toBe(expected.read ? 200 : 403)

        const updated = await http.api('PATCH', `/${collection}/${existing.id}`, { body: { _status: 'published' }, credentials })
        expect(updated.status, updated.text).toBe(expected.update ? 200 : 403)

        const deleted = await http.api('DELETE', `/${collection}/${existing.id}`, { credentials })
        expect(deleted.status, deleted.text).toBe(expected.delete ? 200 : 403)
      })
    }
  }

  it('users: anonymous nothing, editors themselves only, admins everything', async () => {
    const anonymousCreate = await http.api('POST', '/users', { body: { email: 'x@clinic.test', password: PASSWORD } })
    expect(anonymousCreate.status).toBe(403)

    const editorList = await http.api('GET', '/users', { credentials: { token: editorToken } })
    expect(editorList.json.docs.map((user: any) => user.email)).toEqual(['editor@clinic.test'])
    const editorCreate = await http.api('POST', '/users', { body: { email: 'y@clinic.test', password: PASSWORD }, credentials: { token: editorToken } })
    expect(editorCreate.status).toBe(403)

    const editorId = editorList.json.docs[0].id
    // An editor may edit their own name but cannot promote themselves.
    const promote = await http.api('PATCH', `/users/${editorId}`, { body: { name: 'Ed', roles: ['admin'] }, credentials: { token: editorToken } })
    expect(promote.status).toBe(200)
    expect(promote.json.doc.roles).toEqual(['editor'])
    expect(promote.json.doc.name).toBe('Ed')

    const adminList = await http.api('GET', '/users', { credentials: { token: adminToken } })
    expect(adminList.json.totalDocs).toBe(2)
    const adminCreate = await http.api('POST', '/users', {
      body: { email: 'new-editor@clinic.test', password: PASSWORD, roles: ['editor'] },
      credentials: { token: adminToken },
    })
    expect(adminCreate.status).toBe(201)
    const editorDelete = await http.api('DELETE', `/users/${adminCreate.json.doc.id}`, { credentials: { token: editorToken } })
    expect(editorDelete.status).toBe(403)
    const adminDelete = await http.api('DELETE', `/users/${adminCreate.json.doc.id}`, { credentials: { token: adminToken } })
    expect(adminDelete.status).toBe(200)
  })

  it('the first user became an admin', async () => {
    const me = await http.api('GET', '/users/me', { credentials: { token: adminToken } })
    expect(me.json.user.roles).toEqual(['admin'])
  })

  it('clinic global: everyone reads, only admins update', async () => {
    expect((await http.api('GET', '/globals/clinic')).status).toBe(200)
    const body = { name: 'Stevenson Clinic', bookingUrl: 'https://example.com/book', timezone: 'America/Chicago' }
    expect((await http.api('POST', '/globals/clinic', { body })).status).toBe(403)
    expect((await http.api('POST', '/globals/clinic', { body, credentials: { token: editorToken } })).status).toBe(403)
    const byAdmin = await http.api('POST', '/globals/clinic', { body, credentials: { token: adminToken } })
    expect(byAdmin.status, byAdmin.text).toBe(200)
  })

  it('media: public read, staff write', async () => {
    expect((await http.api('GET', '/media')).status).toBe(200)
    expect((await http.api('DELETE', '/media/1')).status).toBe(403)
  })
})
