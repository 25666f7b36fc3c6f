import { beforeAll, describe, expect, it } from 'vitest'

import { classifyRest } from '../../src/cache/rules'
import { mintPreview } from '../../src/preview/mint'
import { previewTokenTtlMs } from '../../src/preview/settings'
import { signPreviewToken, verifyPreviewToken } from '../../src/preview/tokens'
import { fillPreviewUrl, validatePreviewUrlTemplate } from '../../src/preview/url'
import { PASSWORD, richText } from '../helpers/fixtures'
import { cacheUrl, ctx, get, useContentCacheTest } from './content-cache/setup'

/**
 * The preview token lifecycle over real HTTP, through the real response cache in front of the
 * real Payload handlers (tests/int/content-cache/setup.ts): minted by staff, exchanged for the
 * latest draft, refused when tampered (401) or expired (410), bound to one document, never
 * cached, while anonymous reads keep seeing the published version.
 */
useContentCacheTest()

const TEMPLATE = 'https://www.clinic.test/api/preview?collection={collection}&id={id}&slug={slug}&token={token}'

let editorToken: string
let articleId: number
let draftOnlyId: number
let conditionId: number

const post = async (pathAndQuery: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${cacheUrl}${pathAndQuery}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {}
  return { status: response.status, headers: response.headers, json }
}

const asEditor = () => ({ Authorization: `JWT ${editorToken}` })
const mint = (body: unknown) => post('/api/preview-token', body, asEditor())
const exchange = async (token: string) => {
  const response = await get(`/api/preview?token=${encodeURIComponent(token)}`)
  return { ...response, json: JSON.parse(response.text) }
}

beforeAll(async () => {
  const { payload } = ctx
  // The set-up made the staff accounts (tests/helpers/fixtures.ts createStaff).
  const login = await post('/api/users/login', { email: 'editor@clinic.test', password: PASSWORD })
  editorToken = login.json.token
  await payload.updateGlobal({
    slug: 'clinic',
    data: { name: 'Clinic', bookingUrl: 'https://www.clinic.test/book', timezone: 'America/Chicago', preview: { urlTemplate: TEMPLATE } },
  })
  const condition = await payload.create({
    collection: 'conditions',
    data: { _status: 'published', name: 'Frozen shoulder', slug: 'frozen-shoulder', summary: 'Stiff and painful.' },
  })
  conditionId = condition.id
  // A draft over the published condition: a preview of the article must not show it.
  await payload.update({ collection: 'conditions', id: conditionId, draft: true, data: { name: 'Unpublished condition name' } })
  const article = await payload.create({
    collection: 'articles',
    data: {
      _status: 'published',
      title: 'Published title',
      slug: 'shoulder-care',
      excerpt: 'Published excerpt.',
      content: richText('Published words.'),
      conditions: [conditionId],
    },
  })
  articleId = article.id
  await payload.update({ collection: 'articles', id: articleId, draft: true, data: { title: 'Draft title & more', excerpt: 'Draft excerpt.' } })
  const draftOnly = await payload.create({
    collection: 'articles',
    draft: true,
    data: { _status: 'draft', title: 'Secret draft', slug: 'secret-draft', content: richText('Not yet.') },
  })
  draftOnlyId = draftOnly.id
})

describe('POST /api/preview-token', () => {
  it('is for staff only: 401 without a login, 403 for a user who is not staff', async () => {
    const anonymous = await post('/api/preview-token', { collection: 'articles', id: articleId })
    expect(anonymous.status).toBe(401)
    expect(anonymous.json.errors[0].message).toMatch(/Log in as staff/)
    // An account left without a role (every account should have one): logged in, but not staff.
    const user = await ctx.payload.create({
      collection: 'users',
      data: { email: 'nobody@clinic.test', password: PASSWORD, name: 'No Body', roles: ['editor'] },
      overrideAccess: true,
    })
    await ctx.payload.db.updateOne({ collection: 'users', id: user.id, data: { roles: [] } })
    const { json: session } = await post('/api/users/login', { email: 'nobody@clinic.test', password: PASSWORD })
    expect(session.user.roles ?? []).toEqual([])
    const token = session.token
    const forbidden = await post('/api/preview-token', { collection: 'articles', id: articleId }, { Authorization: `JWT ${token}` })
    expect(forbidden.status).toBe(403)
    expect(forbidden.json.errors[0].message).toBe('Only staff can create preview tokens.')
  })

  it('answers 400 for a bad collection or id and 404 for an unknown document', async () => {
    const users = await mint({ collection: 'users', id: 1 })
    expect(users.status).toBe(400)
    expect(users.json.errors[0].message).toBe('"collection" must be one of articles, conditions, services, faqs.')
    expect((await mint({ id: articleId })).status).toBe(400)
    const badId = await mint({ collection: 'articles', id: '../1' })
    expect(badId.status).toBe(400)
    expect(badId.json.errors[0].message).toMatch(/"id" must be/)
    expect((await mint({ collection: 'articles', id: { $gt: 1 } })).status).toBe(400)
    expect((await mint('not json')).status).toBe(400)
    const unknown = await mint({ collection: 'articles', id: 999999 })
    expect(unknown.status).toBe(404)
    expect(unknown.json.errors[0].message).toBe('No articles document with id 999999.')
  })

  it('mints a token for the document, the URL from the template (values encoded) and the expiry', async () => {
    const before = Date.now()
    const { status, json, headers } = await mint({ collection: 'articles', id: articleId })
    expect(status).toBe(200)
    expect(headers.get('cache-control')).toBe('private, no-store')
    expect(Object.keys(json).sort()).toEqual(['expiresAt', 'token', 'url'])
    expect(json.url).toBe(
      `https://www.clinic.test/api/preview?collection=articles&id=${articleId}&slug=shoulder-care&token=${encodeURIComponent(json.token)}`,
    )
    const expiresAt = Date.parse(json.expiresAt)
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000)
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000)
    const check = verifyPreviewToken(json.token)
    expect(check).toEqual({ ok: true, claims: { c: 'articles', i: String(articleId), e: expiresAt } })
    // A never-published draft can be previewed too: that is what preview is for.
    expect((await mint({ collection: 'articles', id: draftOnlyId })).status).toBe(200)
    // FAQs have no slug: {slug} is empty, the rest works.
    const faq = await ctx.payload.create({ collection: 'faqs', draft: true, data: { _status: 'draft', question: 'Draft question?', answer: richText('Draft answer.') } })
    const forFaq = await mint({ collection: 'faqs', id: faq.id })
    expect(forFaq.status).toBe(200)
    expect(forFaq.json.url).toBe(`https://www.clinic.test/api/preview?collection=faqs&id=${faq.id}&slug=&token=${encodeURIComponent(forFaq.json.token)}`)
    expect((await exchange(forFaq.json.token)).json.question).toBe('Draft question?')
  })

  it('falls back to PREVIEW_URL, and gives url null without any template', async () => {
    await ctx.payload.updateGlobal({ slug: 'clinic', data: { preview: { urlTemplate: '' } } })
    try {
      process.env.PREVIEW_URL = 'http://localhost:4321/preview/{collection}/{slug}?token={token}'
      const fromEnv = await mint({ collection: 'articles', id: articleId })
      expect(fromEnv.json.url).toBe(`http://localhost:4321/preview/articles/shoulder-care?token=${encodeURIComponent(fromEnv.json.token)}`)
      delete process.env.PREVIEW_URL
      const none = await mint({ collection: 'articles', id: articleId })
      expect(none.status).toBe(200)
      expect(none.json.url).toBeNull()
      expect(typeof none.json.token).toBe('string')
    } finally {
      delete process.env.PREVIEW_URL
      await ctx.payload.updateGlobal({ slug: 'clinic', data: { preview: { urlTemplate: TEMPLATE } } })
    }
  })
})

describe('GET /api/preview', () => {
  it('answers the latest draft at depth 1 with jsonLd, private and never stored by the cache', async () => {
    const { json: minted } = await mint({ collection: 'articles', id: articleId })
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const preview = await exchange(minted.token)
      expect(preview.status).toBe(200)
      expect(preview.headers.get('cache-control')).toBe('private, no-store')
      expect(preview.headers.get('x-cache')).toBe('BYPASS')
      expect(preview.headers.get('x-preview-collection')).toBe('articles')
      expect(preview.json.id).toBe(articleId)
      expect(preview.json.title).toBe('Draft title & more')
      expect(preview.json._status).toBe('draft')
      expect(preview.json.jsonLd.headline).toBe('Draft title & more')
      // Depth 1, and related documents as the public sees them: the condition's published name.
      expect(preview.json.conditions[0]).toMatchObject({ id: conditionId, name: 'Frozen shoulder' })
      // Staff-only fields stay hidden: the token is not a login.
      expect(preview.json).not.toHaveProperty('emailSubscribers')
    }
  })

  it('leaves anonymous reads on the published version, also through the cache', async () => {
    await mint({ collection: 'articles', id: articleId })
    for (const path of [`/api/articles/${articleId}`, `/api/articles/${articleId}?draft=true`, `/api/articles?where[slug][equals]=shoulder-care`]) {
      const { status, text } = await get(path)
      expect(status).toBe(200)
      expect(text).toContain('Published title')
      expect(text).not.toContain('Draft title')
    }
    expect((await get(`/api/articles/${draftOnlyId}`)).status).toBe(404)
    const list = await get('/api/articles?limit=50')
    expect(list.text).not.toContain('Secret draft')
  })

  it('answers 401 for a missing, malformed or tampered token and 410 for an expired one', async () => {
    const { json: minted } = await mint({ collection: 'articles', id: articleId })
    const [body, signature] = minted.token.split('.')
    const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1)
    const otherBody = Buffer.from(JSON.stringify({ c: 'articles', i: String(draftOnlyId), e: Date.now() + 3600_000 })).toString('base64url')
    for (const token of [`${body}.${flipped}`, `${otherBody}.${signature}`, 'garbage', `${minted.token}.extra`, 'a'.repeat(2000)]) {
      const refused = await exchange(token)
      expect(refused.status, token.slice(0, 40)).toBe(401)
      expect(refused.headers.get('cache-control')).toBe('private, no-store')
      expect(refused.json.errors[0].message).toMatch(/not valid/)
    }
    const missing = await get('/api/preview')
    expect(missing.status).toBe(401)
    const expired = await mintPreview(ctx.payload, { collection: 'articles', id: articleId }, { now: Date.now() - 3601_000 })
    const gone = await exchange(expired.token)
    expect(gone.status).toBe(410)
    expect(gone.json.errors[0].message).toMatch(/expired/)
  })

  it('reads only the document the token names', async () => {
    const { json: forDraftOnly } = await mint({ collection: 'articles', id: draftOnlyId })
    const { json: forArticle } = await mint({ collection: 'articles', id: articleId })
    expect((await exchange(forDraftOnly.token)).json.title).toBe('Secret draft')
    const article = await exchange(forArticle.token)
    expect(article.json.id).toBe(articleId)
    expect(article.text).not.toContain('Secret draft')
    // A token of one collection never opens the same id in another.
    const conditionToken = signPreviewToken({ c: 'conditions', i: String(articleId), e: Date.now() + 60_000 })
    const condition = await exchange(conditionToken)
    expect(condition.status).toBe(404)
    expect(condition.text).not.toContain('Draft title')
    const { json: forCondition } = await mint({ collection: 'conditions', id: conditionId })
    expect((await exchange(forCondition.token)).json.name).toBe('Unpublished condition name')
  })

  it('never caches a request carrying a token, on any path', () => {
    expect(classifyRest('/api/preview', new URLSearchParams('token=x'))).toEqual({ cacheable: false, reason: 'not a public collection' })
    expect(classifyRest('/api/articles', new URLSearchParams('token=x'))).toEqual({ cacheable: false, reason: 'token parameter' })
    expect(classifyRest(`/api/articles/${articleId}`, new URLSearchParams('depth=1&token=x'))).toEqual({ cacheable: false, reason: 'token parameter' })
    expect(classifyRest('/api/articles', new URLSearchParams('depth=1')).cacheable).toBe(true)
  })
})

describe("the admin's Preview button and Live Preview pane", () => {
  it('open the template URL with a fresh token for staff; null (no button, no pane) without a template, a user or a saved document', async () => {
    const { createLocalReq } = await import('payload')
    const { previewAdmin } = await import('../../src/preview/adminPreview')
    const { preview, livePreview } = previewAdmin('articles')
    const editor = (await ctx.payload.find({ collection: 'users', where: { email: { equals: 'editor@clinic.test' } }, overrideAccess: true })).docs[0]
    const staffReq = await createLocalReq({ user: { ...editor, collection: 'users' } as never }, ctx.payload)
    const anonymousReq = await createLocalReq({}, ctx.payload)
    const doc = { id: articleId, slug: 'shoulder-care', title: 'Draft title & more' }
    const liveUrl = (livePreview!.url as Function).bind(null)

    const buttonUrl = (await preview!(doc, { req: staffReq, locale: 'en', token: null })) as string
    expect(buttonUrl).toMatch(new RegExp(`^https://www\\.clinic\\.test/api/preview\\?collection=articles&id=${articleId}&slug=shoulder-care&token=`))
    const token = new URL(buttonUrl).searchParams.get('token')!
    expect(verifyPreviewToken(token)).toMatchObject({ ok: true, claims: { c: 'articles', i: String(articleId) } })
    expect((await exchange(token)).json.title).toBe('Draft title & more')
    const paneUrl = (await liveUrl({ data: doc, req: staffReq })) as string
    expect(new URL(paneUrl).searchParams.get('collection')).toBe('articles')

    expect(await preview!(doc, { req: anonymousReq, locale: 'en', token: null })).toBeNull()
    expect(await preview!({ title: 'Not saved yet' }, { req: staffReq, locale: 'en', token: null })).toBeNull()
    await ctx.payload.updateGlobal({ slug: 'clinic', data: { preview: { urlTemplate: '' } } })
    try {
      expect(await preview!(doc, { req: staffReq, locale: 'en', token: null })).toBeNull()
      expect(await liveUrl({ data: doc, req: staffReq })).toBeNull()
    } finally {
      await ctx.payload.updateGlobal({ slug: 'clinic', data: { preview: { urlTemplate: TEMPLATE } } })
    }
  })
})

describe('preview settings', () => {
  it('PREVIEW_TOKEN_TTL is whole seconds, one hour by default and for unusable values', () => {
    expect(previewTokenTtlMs(undefined)).toBe(3600_000)
    expect(previewTokenTtlMs('600')).toBe(600_000)
    expect(previewTokenTtlMs('1.5')).toBe(3600_000)
    expect(previewTokenTtlMs('-5')).toBe(3600_000)
    expect(previewTokenTtlMs('1h')).toBe(3600_000)
  })

  it('the URL template needs {token} and an http(s) URL; values are encoded', () => {
    expect(validatePreviewUrlTemplate(TEMPLATE, {} as never)).toBe(true)
    expect(validatePreviewUrlTemplate('https://www.clinic.test/preview?slug={slug}', {} as never)).toMatch(/\{token\}/)
    expect(validatePreviewUrlTemplate('javascript:alert(1)//{token}', {} as never)).toMatch(/Only http/)
    expect(fillPreviewUrl('https://x.test/{collection}/{slug}?t={token}&u={unknown}', { collection: 'faqs', id: '1', slug: 'a b/c?d', token: 'x+y' })).toBe(
      'https://x.test/faqs/a%20b%2Fc%3Fd?t=x%2By&u={unknown}',
    )
  })
})
