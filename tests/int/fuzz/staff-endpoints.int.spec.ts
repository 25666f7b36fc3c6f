/**
 * Property-based fuzz test (fast-check): the project's staff endpoints (schedule, preview, import, webhooks). The properties, the knobs and how to
 * reproduce a failure: tests/int/fuzz/rest.int.spec.ts.
 */
import fc from 'fast-check'
import { describe, it } from 'vitest'

import { FUZZ_SEED } from './judge'
import { realIds, type Who, restCall, probe, useFuzzServer, fuzz, GROUP_TIMEOUT, idFor } from './server'
import { weirdString, weirdLeaf, toJson, weirdValue, percentEncode } from './arbitraries'

useFuzzServer('staff-endpoints')

describe('fuzz', () => {
  it('POST /api/{collection}/{id}/schedule: random at and action (editor)', { timeout: GROUP_TIMEOUT }, async () => {
    const at = fc.oneof(
      fc.constantFrom('2099-12-01T13:00:00Z', '2099-03-08T02:30', '2099-11-01T01:30', '2000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '9999-12-31T23:59:59.999Z', '10000-01-01T00:00:00Z', '2099-02-30T10:00', '2099-12-01T25:00', '2099-12-01T13:00:00+99:00', '2099-12-01', 'T', 'now', '', '2099-12-01T13:00:00Z\u0000'),
      fc.date({ noInvalidDate: false }).map((date) => (Number.isNaN(date.getTime()) ? 'Invalid Date' : date.toISOString())),
      weirdLeaf,
    )
    const input = fc
      .record({
        collection: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('articles', 'conditions', 'services', 'faqs') }, { weight: 1, arbitrary: fc.constantFrom('media', 'users', 'newsletters', 'subscribers') }),
        action: fc.oneof(fc.constantFrom('publish', 'unpublish', 'PUBLISH', 'delete'), weirdLeaf),
        at,
        extra: fc.oneof(fc.constant(undefined), weirdValue),
        who: fc.constantFrom<Who>('editor', 'editor', 'anonymous'),
      })
      .chain((base) => idFor(base.collection).map((id) => ({ ...base, id })))
    await fuzz('schedule', 2, input, async ({ collection, action, at: when, extra, who, id }) => {
      const text = toJson(extra === undefined ? { action, at: when } : { action, at: when, extra })
      const { holds } = await probe('schedule', `POST /api/${collection}/:id/schedule`, { path: `/api/${collection}/${id}/schedule`, body: text.slice(0, 3_000), who }, () =>
        restCall('POST', `/${collection}/${percentEncode(id)}/schedule`, who, text),
      )
      return holds
    })
  })

  it('POST /api/newsletters/preview: random Lexical-ish JSON (editor); nothing is ever stored', { timeout: GROUP_TIMEOUT }, async () => {
    const { node: lexicalNode } = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        { weight: 3, arbitrary: fc.record({ type: fc.constant('text'), text: weirdString, format: fc.oneof(fc.integer(), weirdLeaf), style: fc.oneof(fc.constant(''), weirdString), version: fc.constant(1) }, { requiredKeys: ['type'] }) },
        {
          weight: 2,
          arbitrary: fc.record(
            {
              type: fc.oneof(fc.constantFrom('paragraph', 'heading', 'quote', 'list', 'listitem', 'link', 'autolink', 'upload', 'relationship', 'block', 'horizontalrule', 'linebreak', 'root', 'tab'), weirdString),
              tag: fc.constantFrom('h1', 'h2', 'h7', 'ul', 'ol', 'script', 'x'),
              listType: fc.constantFrom('bullet', 'number', 'check', 'x'),
              fields: fc.oneof(fc.record({ url: weirdString, newTab: weirdLeaf, linkType: fc.constantFrom('custom', 'internal', 'x') }), weirdLeaf),
              value: weirdLeaf,
              relationTo: fc.constantFrom('media', 'articles', 'users', 'x'),
              format: weirdLeaf,
              indent: weirdLeaf,
              version: fc.constant(1),
              children: fc.oneof(fc.array(tie('node'), { maxLength: 4 }), weirdLeaf),
            },
            { requiredKeys: ['type', 'children'] },
          ),
        },
        { weight: 1, arbitrary: weirdLeaf },
      ),
    }))
    // Deep quotes, but far below the ~2,000 levels that abort V8 (measured by bench/abuse, not here: it would kill this process).
    const deepQuotes = fc.integer({ min: 10, max: 300 }).map((depth) => {
      let node: unknown = { type: 'text', text: 'deep', version: 1 }
      for (let level = 0; level < depth; level++) node = { type: 'quote', version: 1, children: [node] }
      return node
    })
    const intro = fc.oneof(
      { weight: 4, arbitrary: fc.array(fc.oneof(lexicalNode, deepQuotes), { maxLength: 4 }).map((children) => ({ root: { type: 'root', version: 1, children } })) },
      { weight: 1, arbitrary: weirdValue },
    )
    const input = fc.record(
      {
        subject: fc.oneof(weirdString, weirdLeaf),
        preheader: weirdLeaf,
        intro,
        featuredArticles: fc.oneof(fc.array(fc.oneof(fc.constantFrom(...(realIds.articles ?? [1])), weirdLeaf), { maxLength: 4 }), weirdLeaf),
        template: fc.oneof(fc.constantFrom('newsletter', 'article', 'digest'), weirdLeaf),
        audienceTopics: weirdLeaf,
        digestSince: weirdLeaf,
        sourceArticle: weirdLeaf,
      },
      { requiredKeys: [] },
    )
    await fuzz('newsletter-preview', 2, input, async (fields) => {
      const text = toJson(fields)
      const { holds } = await probe('newsletter-preview', 'POST /api/newsletters/preview', text.length > 6_000 ? `${text.slice(0, 6_000)}…` : text, () =>
        restCall('POST', '/newsletters/preview', 'editor', text),
        (answer, changed) =>
          answer.status < 400 && changed.length
            ? [{ kind: 'stored-on-4xx', endpoint: 'POST /api/newsletters/preview', status: answer.status, error: `a preview wrote ${changed.join(', ')}`, stackTop: '', input: text }]
            : [],
      )
      return holds
    })
  })

  it('POST /api/subscribers/import: random CSV (admin); a dry run stores nothing', { timeout: GROUP_TIMEOUT }, async () => {
    const COLUMNS = ['email', 'name', 'status', 'topics', 'consent_at', 'consent_source', 'consent_text', 'EMAIL', ' email ', 'id', '__proto__', 'x']
    let row = 0
    const cell = fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom('valid-email', 'confirmed', 'pending', 'unsubscribed', 'bounced', '2026-01-01T00:00:00Z', 'yesterday', 'low-back-pain', 'low-back-pain;sciatica', '=HYPERLINK("x")', '+1', '@SUM(A1)') },
      { weight: 2, arbitrary: weirdString.filter((text) => text.length < 3_000) },
    )
    const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)
    const input = fc.record({
      header: fc.array(fc.constantFrom(...COLUMNS), { minLength: 0, maxLength: 8 }),
      rows: fc.array(fc.array(cell, { maxLength: 9 }), { maxLength: 8 }),
      bom: fc.boolean(),
      lineEnd: fc.constantFrom('\n', '\r\n', '\r'),
      raw: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.oneof(weirdString, fc.constantFrom('"unclosed', 'email\n"a""', 'a,b\n1,2,3,4', '\u0000')) }),
      dryRun: fc.constantFrom('1', 'true', '0', '', 'yes'),
    })
    await fuzz('csv-import', 1, input, async ({ header, rows, bom, lineEnd, raw, dryRun }) => {
      const lines = [header.map(quote).join(','), ...rows.map((cells) => cells.map((value) => quote(value === 'valid-email' ? `csv-${++row}-${FUZZ_SEED}@example.com` : value)).join(','))]
      const csv = raw ?? `${bom ? '\uFEFF' : ''}${lines.join(lineEnd)}`
      const isDryRun = ['1', 'true'].includes(dryRun)
      const { holds } = await probe('csv-import', 'POST /api/subscribers/import', { dryRun, csv: csv.slice(0, 3_000) }, () =>
        restCall('POST', `/subscribers/import?dryRun=${dryRun}`, 'admin', csv, { 'Content-Type': 'text/csv' }),
        (answer, changed) =>
          isDryRun && answer.status < 400 && changed.length
            ? [{ kind: 'dry-run-stored', endpoint: 'POST /api/subscribers/import', status: answer.status, error: `a dry run wrote ${changed.join(', ')}`, stackTop: '', input: csv }]
            : [],
      )
      return holds
    })
  })

  it('webhooks ping and delivery retry: random ids (editor and admin)', { timeout: GROUP_TIMEOUT }, async () => {
    const input = fc
      .record({ target: fc.constantFrom('webhooks', 'webhook-deliveries'), who: fc.constantFrom<Who>('editor', 'admin', 'anonymous'), body: fc.oneof(fc.constant(undefined), weirdValue) })
      .chain((base) => idFor(base.target).map((id) => ({ ...base, id })))
    await fuzz('webhooks', 1, input, async ({ target, who, body, id }) => {
      const action = target === 'webhooks' ? 'ping' : 'retry'
      const text = body === undefined ? undefined : toJson(body)
      const { holds } = await probe('webhooks', `POST /api/${target}/:id/${action}`, { id, who, body: text?.slice(0, 2_000) }, () =>
        restCall('POST', `/${target}/${percentEncode(id)}/${action}`, who, text),
      )
      return holds
    })
  })
})
