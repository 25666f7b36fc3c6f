/**
 * Property-based fuzz test (fast-check), REST reads and writes — one of the four files of the fuzz of every public endpoint and of the staff endpoints
 * (as an editor, and as the admin where only admins get past the door): generated bad
 * input (random JSON shapes, wrong types, huge strings, deep nesting, odd operators,
 * unicode) must never produce a 5xx, must always get a JSON or HTML body, must not kill the
 * process (this test process *is* the server: if it dies, the file fails), and a refusal
 * (4xx) must store nothing.
 *
 * Knobs: FUZZ_RUNS (inputs per weight unit, default 20: about 490 inputs, 20–120 s on this shared 2-core machine depending on its load; each group runs a multiple of it),
 * FUZZ_SEED (default printed at start), FUZZ_COLLECT=1 (never fail: run every input and print
 * every failure class with its smallest input, to find them all in one run), FUZZ_STRICT=1
 * (ignore KNOWN_FAILURES_BEFORE_HARDENING, so fast-check shrinks a known class too).
 */
import fc from 'fast-check'
import { describe, it } from 'vitest'

import { richText } from '../../helpers/fixtures'
import { idFor, fuzz, GROUP_TIMEOUT, probe, realIds, realRowIds, REST_COLLECTIONS, restCall, useFuzzServer, type Who } from './server'
import { weirdString, fieldName, deepJson, toJson, weirdValue, notJson, percentEncode, queryString } from './arbitraries'

useFuzzServer('rest')

describe('fuzz', () => {
  it('REST reads: list, by id, count, versions, with random query strings', { timeout: GROUP_TIMEOUT }, async () => {
    const input = fc
      .record({
        collection: fc.constantFrom(...REST_COLLECTIONS),
        route: fc.constantFrom('list', 'id', 'count', 'versions', 'version-id'),
        who: fc.constantFrom<Who>('anonymous', 'editor'),
        query: queryString,
      })
      .chain((base) => idFor(base.collection).map((id) => ({ ...base, id })))
    await fuzz('rest-read', 5, input, async ({ collection, route, who, query, id }) => {
      const path = { list: '', id: `/${percentEncode(id)}`, count: '/count', versions: '/versions', 'version-id': `/versions/${percentEncode(id)}` }[route]
      const endpoint = `GET /api/${collection}${{ list: '', id: '/:id', count: '/count', versions: '/versions', 'version-id': '/versions/:id' }[route]}`
      const { holds } = await probe('rest-read', endpoint, { path: `/api/${collection}${path}?${query}`, who }, () => restCall('GET', `/${collection}${path}?${query}`, who))
      return holds
    })
  })

  it('REST: the clinic global', { timeout: GROUP_TIMEOUT }, async () => {
    const input = fc.record({ method: fc.constantFrom<'GET' | 'POST'>('GET', 'POST'), who: fc.constantFrom<Who>('anonymous', 'editor'), query: queryString, body: weirdValue })
    await fuzz('rest-global', 0.5, input, async ({ method, who, query, body }) => {
      const text = method === 'POST' ? toJson(body) : undefined
      const { holds } = await probe('rest-global', `${method} /api/globals/clinic`, { method, who, query, body: text?.slice(0, 2000) }, () =>
        restCall(method, `/globals/clinic?${query}`, who, text),
      )
      return holds
    })
  })

  // -------------------------------------------------------------------------------------
  // REST writes: random shapes and "almost valid" documents, as an editor
  // -------------------------------------------------------------------------------------

  let unique = 0
  const validDocument = (collection: string): Record<string, unknown> => {
    const n = ++unique
    const article = realIds.articles?.[0] ?? 1
    const condition = realIds.conditions?.[0] ?? 1
    switch (collection) {
      case 'articles':
        return { title: `Fuzz article ${n}`, slug: `fuzz-article-${n}`, excerpt: 'Short.', content: richText('Words.'), conditions: [condition], _status: 'published' }
      case 'conditions':
        return { name: `Fuzz condition ${n}`, slug: `fuzz-condition-${n}`, summary: 'A summary.', symptoms: [{ symptom: 'Ache' }, { symptom: 'Stiffness' }], _status: 'published' }
      case 'services':
        return { name: `Fuzz service ${n}`, category: 'medical', options: [{ durationMinutes: 60, price: 100 }, { durationMinutes: 90, price: 140 }], conditions: [condition], _status: 'published' }
      case 'faqs':
        return { question: `Fuzz question ${n}?`, answer: richText('An answer.'), category: 'general', order: 1, relatedConditions: [condition], _status: 'published' }
      default:
        return { subject: `Fuzz newsletter ${n}`, intro: richText('Hello.'), featuredArticles: [article], audience: 'all', template: 'newsletter', status: 'draft' }
    }
  }

  /** Every path into a document (objects and array rows), to pick one to break. */
  const pathsOf = (value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []) => {
    if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const path = [...prefix, Array.isArray(value) ? Number(key) : key]
        out.push(path)
        pathsOf(item, path, out)
      }
    }
    return out
  }
  const setAt = (document: any, path: Array<string | number>, value: unknown) => {
    let target = document
    for (const key of path.slice(0, -1)) target = target[key]
    target[path[path.length - 1]] = value
  }

  type Mutation = { kind: 'replace'; at: number; value: unknown } | { kind: 'add'; key: string; value: unknown } | { kind: 'copy-row-ids'; id: string } | { kind: 'deep-rich-text'; depth: number }
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: weirdValue }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), key: fieldName, value: weirdValue }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('copy-row-ids' as const), id: fc.oneof(fc.constantFrom(...(realRowIds.length ? realRowIds : ['x'])), weirdString.filter((text) => text.length < 200)) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('deep-rich-text' as const), depth: fc.integer({ min: 10, max: 1_500 }) }) },
  )

  const applyMutations = (document: Record<string, unknown>, mutations: Mutation[]) => {
    for (const change of mutations) {
      if (change.kind === 'replace') {
        const paths = pathsOf(document)
        if (paths.length) setAt(document, paths[change.at % paths.length], change.value)
      } else if (change.kind === 'add') document[change.key] = change.value
      else if (change.kind === 'copy-row-ids') {
        // Two rows with one id (the id of a row of another, seeded document, or a random one).
        for (const key of ['symptoms', 'options', 'featuredArticles']) {
          const rows = document[key]
          if (Array.isArray(rows)) document[key] = rows.map((row) => (row && typeof row === 'object' ? { ...row, id: change.id } : row))
        }
        document.symptoms ??= [{ id: change.id, symptom: 'a' }, { id: change.id, symptom: 'b' }]
      } else {
        const text = toJson({ type: 'text', text: 'deep', format: 0, style: '', mode: 'normal', detail: 0, version: 1 })
        const richTextKey = ['content', 'answer', 'intro'].find((key) => key in document) ?? 'content'
        document[richTextKey] = { root: { type: 'root', format: '', indent: 0, version: 1, direction: 'ltr', children: [deepJson(change.depth, 'quote', text)] } }
      }
    }
    return document
  }

  const CONTENT_COLLECTIONS = ['articles', 'conditions', 'services', 'faqs', 'newsletters']

  it('REST writes: POST and PATCH bodies of random shapes and almost-valid documents (editor)', { timeout: GROUP_TIMEOUT }, async () => {
    const input = fc
      .record({
        collection: fc.constantFrom(...CONTENT_COLLECTIONS),
        method: fc.constantFrom<'POST' | 'PATCH'>('POST', 'PATCH', 'PATCH'),
        body: fc.oneof(
          { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => ({ almostValid: mutations })) },
          { weight: 2, arbitrary: weirdValue.map((json) => ({ json })) },
          { weight: 1, arbitrary: notJson.map((raw) => ({ raw })) },
        ),
        query: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queryString }),
      })
      .chain((base) => idFor(base.collection).map((id) => ({ ...base, id })))
    await fuzz('rest-write', 4, input, async ({ collection, method, body, query, id }) => {
      const text =
        'raw' in body ? body.raw : toJson('json' in body ? body.json : applyMutations(validDocument(collection), body.almostValid))
      const path = method === 'POST' ? `/${collection}` : `/${collection}/${percentEncode(id)}`
      const endpoint = `${method} /api/${collection}${method === 'PATCH' ? '/:id' : ''}`
      const { holds } = await probe('rest-write', endpoint, { path: `${path}?${query}`, body: text.length > 5_000 ? `${text.slice(0, 5_000)}… (${text.length} chars)` : text }, () =>
        restCall(method, `${path}?${query}`, 'editor', text),
      )
      return holds
    })
  })
})
