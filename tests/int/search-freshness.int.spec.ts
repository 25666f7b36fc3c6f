import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startContentEditor, type ContentEditor } from '../helpers/contentEditor'
import { richText } from '../helpers/fixtures'
import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'
import { waitFor } from '../helpers/waitFor'

/**
 * Search follows changes made by another process: a second Payload on the same database
 * (tests/helpers/contentEditorChild.ts) publishes, edits, unpublishes and deletes; this process's
 * index, kept fresh only by its own watcher (the content-revision token and the change log),
 * finds and loses the documents. How fast is measured by `npm run bench:search`, not here.
 */
let ctx: TestPayload
let editor: ContentEditor
let service: import('../../src/search/service').SearchService

beforeAll(async () => {
  ctx = await startTestPayload('search-freshness')
  await ctx.payload.create({
    collection: 'conditions',
    data: { _status: 'published', name: 'Neck pain', slug: 'neck-pain', summary: 'Stiffness and aching in the neck.' },
  })
  service = (await import('../../src/search/service')).searchServiceFor(ctx.payload)
  await service.ready()
  editor = await startContentEditor(ctx.databaseUri)
}, 120_000)

afterAll(async () => {
  service?.stop()
  await editor?.stop()
  if (ctx) await stopTestPayload(ctx)
})

const titlesFor = async (q: string) => {
  const index = await service.ready()
  return index.search(q, { collections: new Set(['articles', 'conditions', 'services', 'faqs'] as const), limit: 10 }).results.map((hit) => hit.title)
}

const WAIT = { timeoutMs: 30_000 }

describe('changes in another process', () => {
  it('a publish is found, an edit re-indexed, an unpublish and a delete lost, a draft never found', async () => {
    const id = await editor.write({
      op: 'create',
      collection: 'articles',
      data: { _status: 'published', title: 'Capybara stretches for the neck', slug: 'capybara', content: richText('Gentle capybara moves.') },
    })
    await waitFor('the published article in the index', async () => (await titlesFor('capybara')).includes('Capybara stretches for the neck'), WAIT)

    await editor.write({ op: 'update', collection: 'articles', id, data: { title: 'Narwhal stretches for the neck' } })
    await waitFor('the new title in the index', async () => (await titlesFor('narwhal')).includes('Narwhal stretches for the neck'), WAIT)
    expect(await titlesFor('capybara stretches')).not.toContain('Capybara stretches for the neck')

    // A draft saved over the published article: the index keeps the published text.
    await editor.write({ op: 'update', collection: 'articles', id, draft: true, data: { title: 'Pangolin draft title' } })
    const marker = await editor.write({
      op: 'create',
      collection: 'faqs',
      data: { _status: 'published', question: 'Do you see the marker?', answer: richText('Marker answer.') },
    })
    // The FAQ published after the draft is indexed, so the draft save has been looked at too.
    await waitFor('the marker FAQ', async () => (await titlesFor('marker')).includes('Do you see the marker?'), WAIT)
    expect(await titlesFor('pangolin')).toEqual([])
    expect(await titlesFor('narwhal')).toContain('Narwhal stretches for the neck')

    await editor.write({ op: 'update', collection: 'articles', id, data: { _status: 'draft' } })
    await waitFor('the unpublished article gone', async () => !(await titlesFor('narwhal')).includes('Narwhal stretches for the neck'), WAIT)

    await editor.write({ op: 'delete', collection: 'faqs', id: marker })
    await waitFor('the deleted FAQ gone', async () => (await titlesFor('marker')).length === 0, WAIT)
    expect(await titlesFor('neck pain')).toContain('Neck pain')
    // Each change was read document by document from the change log: the index was built once, at the start.
    expect(service.builds).toBe(1)
  })
})
