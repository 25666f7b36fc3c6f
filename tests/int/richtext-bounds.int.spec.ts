import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { hostileCases } from '../../bench/richtext-hostile/cases'
import { refuseUnboundedRichText } from '../../src/fields/richText'
import { richText } from '../helpers/fixtures'
import { type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'
import { startStaffPayload } from '../helpers/staffPayload'

/**
 * Rich text is bounded and Lexical-shaped on save (every richText field, drafts included)
 * and in the newsletter preview: a hostile document gets a 400 naming the field, nothing is
 * written, and no walker (Payload's or ours) ever recurses into it.
 */

// Set by beforeAll: the test Payload, the REST helpers, and the editor's token.
let ctx: TestPayload, http: typeof import('../helpers/http'), token: string

beforeAll(async () => {
  ;({ ctx, http, editorToken: token } = await startStaffPayload('richtext-bounds'))
})

afterAll(() => stopTestPayloadIfStarted(ctx))

const fieldErrors = (json: unknown) => http.fieldErrors(json)

/** A valid document of every collection with a richText field, the rich text left to the caller. */
const documents = (value: unknown, suffix: string) => ({
  articles: { field: 'content', body: { title: `Deep ${suffix}`, slug: `deep-${suffix}`, content: value, _status: 'draft' } },
  conditions: { field: 'howMassageHelps', body: { name: `Deep ${suffix}`, slug: `deep-${suffix}`, summary: 'x', howMassageHelps: value, _status: 'published' } },
  services: {
    field: 'description',
    body: { name: `Deep ${suffix}`, slug: `deep-${suffix}`, category: 'medical', options: [{ durationMinutes: 60, price: 100 }], description: value, _status: 'published' },
  },
  faqs: { field: 'answer', body: { question: `Deep ${suffix}?`, answer: value, category: 'general', _status: 'published' } },
  newsletters: { field: 'intro', body: { subject: `Deep ${suffix}`, intro: value } },
})

const countAll = async () => {
  const counts: Record<string, number> = {}
  for (const collection of ['articles', 'conditions', 'services', 'faqs', 'newsletters'] as const) {
    counts[collection] = (await ctx.payload.count({ collection, overrideAccess: true })).totalDocs
  }
  return counts
}

describe('rich text on save', () => {
  it('every richText field of every collection and global is bounded (a new one cannot forget)', () => {
    const found: string[] = []
    const visit = (fields: any[], where: string) => {
      for (const field of fields ?? []) {
        const name = `${where}.${field.name ?? field.type}`
        if (field.type === 'richText') found.push(`${name}: ${field.hooks?.beforeValidate?.[0] === refuseUnboundedRichText ? 'bounded' : 'UNBOUNDED'}`)
        visit(field.fields ?? field.flattenedFields, name)
        for (const tab of field.tabs ?? []) visit(tab.fields, name)
        for (const block of field.blocks ?? []) visit(block.fields, `${name}.${block.slug}`)
      }
    }
    for (const collection of ctx.payload.config.collections) visit(collection.fields, collection.slug)
    for (const global of ctx.payload.config.globals) visit(global.fields, global.slug)
    expect(found.length).toBeGreaterThanOrEqual(5)
    expect(found.filter((line) => line.endsWith('UNBOUNDED'))).toEqual([])
  })

  it('a 2,000-deep quote (the issue\'s document) is refused with 400 on every richText field, nothing written', async () => {
    const before = await countAll()
    const deep = hostileCases.deepQuotes!()
    const answers: Array<[string, number, string | undefined]> = []
    for (const [collection, { field, body }] of Object.entries(documents(deep, 'quotes'))) {
      const response = await http.api('POST', `/${collection}`, { body, credentials: { token } })
      const [error] = fieldErrors(response.json)
      answers.push([collection, response.status, error?.path])
      if (error) expect(error.message, collection).toMatch(/nested more than 32 levels/)
      expect(error?.path ?? field).toBe(field)
    }
    expect(answers).toEqual(Object.entries(documents(deep, 'quotes')).map(([collection, { field }]) => [collection, 400, field]))
    expect(await countAll()).toEqual(before)
  })

  it('deep lists, links and paragraphs are refused too, and an update (autosave draft) as well', async () => {
    const article = await ctx.payload.create({ collection: 'articles', data: { title: 'Shallow', slug: 'shallow', content: richText('fine'), _status: 'draft' } as never })
    for (const name of ['deepLists', 'deepLinks', 'deepParagraphs']) {
      const response = await http.api('PATCH', `/articles/${article.id}?draft=true&autosave=true`, { body: { content: hostileCases[name]!() }, credentials: { token } })
      expect(response.status, `${name}: ${response.text.slice(0, 300)}`).toBe(400)
      expect(fieldErrors(response.json)[0]?.path).toBe('content')
    }
    const stored = await ctx.payload.findByID({ collection: 'articles', id: article.id, draft: true, depth: 0 })
    expect(JSON.stringify(stored.content)).toContain('fine')
  })

  it('too many nodes or too much text: 400 naming the limit', async () => {
    const paragraphs = (count: number) => ({
      root: { ...richText('x').root, children: Array.from({ length: count }, (_, i) => richText(`Paragraph ${i}`).root.children[0]) },
    })
    const many = await http.api('POST', '/faqs', { body: documents(paragraphs(2501), 'many').faqs.body, credentials: { token } })
    expect(many.status).toBe(400)
    expect(fieldErrors(many.json)[0]).toMatchObject({ path: 'answer', message: expect.stringMatching(/more than 5000 nodes/) })
    const long = await http.api('POST', '/faqs', { body: documents(richText('a'.repeat(200_001)), 'long').faqs.body, credentials: { token } })
    expect(long.status).toBe(400)
    expect(fieldErrors(long.json)[0]).toMatchObject({ path: 'answer', message: expect.stringMatching(/longer than 200000 characters/) })
  })

  it('not Lexical-shaped (wrong types anywhere): 400 with a message, never 500', async () => {
    const paragraph = (child: unknown) => ({ root: { ...richText('x').root, children: [{ ...richText('x').root.children[0], children: [child] }] } })
    const shapes: Array<[string, unknown, RegExp]> = [
      ['a string that is not JSON', 'hello', /Lexical document/],
      ['a list', [1, 2], /Lexical document/],
      ['root is a number', { root: 5 }, /"root" node/],
      ['root of another type', { root: { type: 'paragraph', children: [] } }, /"root" node/],
      ['children not a list', { root: { type: 'root', children: 'x' } }, /"children"/],
      ['a node that is a number', { root: { type: 'root', children: [7] } }, /must be an object/],
      ['a node without type', { root: { type: 'root', children: [{ children: [] }] } }, /"type"/],
      ['text that is a number', paragraph({ type: 'text', text: 5, format: 0 }), /"text" must be text/],
      ['format that is an object', paragraph({ type: 'text', text: 'x', format: { bold: true } }), /"format"/],
      ['style that is a number', paragraph({ type: 'text', text: 'x', format: 0, style: 3 }), /"style"/],
      ['nested children not a list', paragraph({ type: 'link', fields: { url: 'https://x.test' }, children: { a: 1 } }), /"children"/],
      ['fields not an object', paragraph({ type: 'link', fields: 'https://x.test', children: [] }), /"fields"/],
    ]
    const answers: Array<[string, number, string | undefined, string | undefined]> = []
    for (const [what, intro] of shapes) {
      const response = await http.api('POST', '/newsletters', { body: { subject: what, intro }, credentials: { token } })
      const [error] = fieldErrors(response.json)
      answers.push([what, response.status, error?.path, error?.message])
    }
    expect(answers.map(([what, status, path]) => [what, status, path])).toEqual(shapes.map(([what]) => [what, 400, 'intro']))
    answers.forEach(([what, , , message], i) => expect(message, what).toMatch(shapes[i]![2]))
    expect((await ctx.payload.count({ collection: 'newsletters', where: { subject: { in: shapes.map(([what]) => what) } } })).totalDocs).toBe(0)
  })

  it('GraphQL mutations are bounded the same way (the hook runs on every save path)', async () => {
    const { json } = await http.gql(
      'mutation ($content: JSON!) { createArticle(draft: true, data: { title: "Deep by GraphQL", slug: "deep-by-graphql", content: $content, _status: draft }) { id } }',
      { content: hostileCases.deepQuotes!() },
      { token },
    )
    expect(json.data?.createArticle ?? null).toBeNull()
    expect(JSON.stringify(json.errors)).toMatch(/nested more than 32 levels/)
    expect((await ctx.payload.count({ collection: 'articles', where: { slug: { equals: 'deep-by-graphql' } } })).totalDocs).toBe(0)
  })

  it('ordinary rich text still saves (the limits are far above real content)', async () => {
    const response = await http.api('POST', '/faqs', { body: documents(richText('An ordinary answer.'), 'ok').faqs.body, credentials: { token } })
    expect(response.status, response.text.slice(0, 300)).toBe(201)
  })
})

describe('POST /api/newsletters/preview with hostile rich text', () => {
  it('answers 400 with the reason before any rendering', async () => {
    for (const name of ['deepQuotes', 'deepLists', 'deepLinks']) {
      const response = await http.api('POST', '/newsletters/preview', { body: { subject: name, intro: hostileCases[name]!() }, credentials: { token } })
      expect(response.status, `${name}: ${response.text.slice(0, 200)}`).toBe(400)
      expect(response.json.errors[0].message).toMatch(/^"intro": Rich text is nested more than 32 levels/)
    }
    const wrongShape = await http.api('POST', '/newsletters/preview', { body: { subject: 'x', intro: { root: { type: 'root', children: [{ type: 'text', text: 9 }] } } }, credentials: { token } })
    expect(wrongShape.status).toBe(400)
    expect(wrongShape.json.errors[0].message).toMatch(/"text" must be text/)
  })
})
