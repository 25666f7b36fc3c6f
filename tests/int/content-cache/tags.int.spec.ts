import { afterEach, describe, expect, it } from 'vitest'

import { SCHEDULE_TASK } from '../../../jobs/scheduling/config'
import { PASSWORD, richText } from '../../helpers/fixtures'
import { waitFor } from '../../helpers/waitFor'
import { startWorker, stopWorkers, type WorkerProcess } from '../../helpers/worker'
import { cache, ctx, get, useContentCacheTest } from './setup'

useContentCacheTest()

/**
 * Invalidation by what an entry contains (README "Caching"): each answer carries the tags of
 * the documents it includes and the lookups it made; a change drops the entries with its tags
 * and leaves the others, in this process at once and in others through the change log.
 */

const workers: WorkerProcess[] = []
afterEach(() => stopWorkers(workers))

const tagsOf = (headers: Headers) => (headers.get('cache-tag') ?? '').split(',').filter(Boolean)

/** Reads each URL once (so it is cached) and returns a function that says which of them are answered from memory now. */
const warm = async (urls: Record<string, string>) => {
  for (const url of Object.values(urls)) await get(url)
  for (const url of Object.values(urls)) expect([url, (await get(url)).headers.get('x-cache')]).toEqual([url, 'HIT'])
  return async () => {
    const states: Record<string, string | null> = {}
    for (const [name, url] of Object.entries(urls)) states[name] = (await get(url)).headers.get('x-cache')
    return states
  }
}

let counter = 0
const setUp = async () => {
  counter += 1
  const image = await ctx.payload.create({
    collection: 'media',
    data: { alt: `Forearm ${counter}` },
    file: { name: `forearm-${counter}.png`, mimetype: 'image/png', size: 68, data: PNG },
  })
  const condition = await ctx.payload.create({
    collection: 'conditions',
    data: { _status: 'published', name: `Tennis elbow ${counter}`, slug: `tennis-elbow-${counter}`, summary: 'Pain on the outer elbow.' } as never,
  })
  const article = await ctx.payload.create({
    collection: 'articles',
    data: {
      _status: 'published',
      title: `Elbow care ${counter}`,
      slug: `elbow-care-${counter}`,
      content: richText('Stretch gently.'),
      heroImage: image.id,
      conditions: [condition.id],
    } as never,
  })
  const other = await ctx.payload.create({
    collection: 'articles',
    data: { _status: 'published', title: `Neck care ${counter}`, slug: `neck-care-${counter}`, content: richText('Rest.') },
  })
  // Names the same condition: its page shows the condition's name, not the condition's join.
  const sibling = await ctx.payload.create({
    collection: 'articles',
    data: { _status: 'published', title: `Wrist care ${counter}`, slug: `wrist-care-${counter}`, content: richText('Ice.'), conditions: [condition.id] } as never,
  })
  return { image, condition, article, other, sibling }
}

describe('tags on cached answers', () => {
  it('names every document an answer includes, the lookups it made, in Cache-Tag and Surrogate-Key', async () => {
    const { image, condition, article, other } = await setUp()
    const byId = await get(`/api/articles/${article.id}?depth=1`)
    expect(byId.headers.get('x-cache')).toBe('MISS')
    expect(tagsOf(byId.headers)).toEqual(
      expect.arrayContaining([`articles:${article.id}`, `media:${image.id}`, `conditions:${condition.id}`]),
    )
    expect(tagsOf(byId.headers)).not.toContain(`articles:${other.id}`)
    expect(byId.headers.get('surrogate-key')!.split(' ').sort()).toEqual(tagsOf(byId.headers).sort())
    expect(byId.headers.get('x-content-tags')).toBeNull()
    // The hit carries the same tags.
    const hit = await get(`/api/articles/${article.id}?depth=1`)
    expect([hit.headers.get('x-cache'), hit.headers.get('cache-tag')]).toEqual(['HIT', byId.headers.get('cache-tag')])

    const bySlug = await get(`/api/articles?where[slug][equals]=${article.slug}&depth=0`)
    expect(tagsOf(bySlug.headers)).toEqual(expect.arrayContaining([`articles:slug:${article.slug}`, `articles:${article.id}`]))
    expect(tagsOf(bySlug.headers)).not.toContain('articles:list')
    const list = await get('/api/articles?limit=5&depth=0')
    expect(tagsOf(list.headers)).toContain('articles:list')
    const conditionPage = await get(`/api/conditions?where[slug][equals]=${condition.slug}&depth=0`)
    expect(tagsOf(conditionPage.headers)).toEqual(expect.arrayContaining([`conditions:${condition.id}`, `conditions:${condition.id}:joins`]))
    // A populated condition shows its name and slug (defaultPopulate), not its join.
    expect(tagsOf(byId.headers)).not.toContain(`conditions:${condition.id}:joins`)
    const clinic = await get('/api/globals/clinic')
    expect(tagsOf(clinic.headers)).toContain('clinic')
    // GraphQL formats its tags once, after every read (src/query/graphqlHandler.ts): the related documents read last are in them too.
    const graphql = await get(`/api/graphql?query=${encodeURIComponent(`{ Article(id: ${article.id}) { title heroImage { url } conditions { name } } }`)}`)
    expect(tagsOf(graphql.headers)).toEqual(expect.arrayContaining([`articles:${article.id}`, `media:${image.id}`, `conditions:${condition.id}`]))
  })

  it('gives staff answers and bypassed answers no tags', async () => {
    const { article } = await setUp()
    const { token } = await ctx.payload.login({ collection: 'users', data: { email: 'editor@clinic.test', password: PASSWORD } })
    const staff = await get(`/api/articles/${article.id}?depth=1`, { Authorization: `JWT ${token}` })
    expect([staff.status, staff.headers.get('x-cache')]).toEqual([200, 'BYPASS'])
    expect([staff.headers.get('x-content-tags'), staff.headers.get('cache-tag'), staff.headers.get('surrogate-key')]).toEqual([null, null, null])
    // Nor do anonymous answers the cache does not keep (Payload's internal header stays inside).
    const bypassed = await get(`/api/articles/${article.id}?draft=true`)
    expect([bypassed.status, bypassed.headers.get('x-cache')]).toEqual([200, 'BYPASS'])
    expect([bypassed.headers.get('x-content-tags'), bypassed.headers.get('cache-tag')]).toEqual([null, null])
  })
})

describe('a change drops exactly the entries that include it', () => {
  it('keeps every entry on draft saves and autosaves, drops the dependent ones on a published update', async () => {
    const { article, other, condition, sibling } = await setUp()
    const state = await warm({
      sibling: `/api/articles?where[slug][equals]=${sibling.slug}&depth=2`,
      article: `/api/articles/${article.id}?depth=0`,
      articleBySlug: `/api/articles?where[slug][equals]=${article.slug}&depth=1`,
      condition: `/api/conditions?where[slug][equals]=${condition.slug}&depth=0`,
      list: '/api/articles?limit=3&sort=-publishedAt&depth=0',
      other: `/api/articles/${other.id}?depth=0`,
      otherBySlug: `/api/articles?where[slug][equals]=${other.slug}&depth=2`,
      clinic: '/api/globals/clinic',
    })
    await ctx.payload.update({ collection: 'articles', id: article.id, draft: true, data: { title: 'Only a draft' } })
    await ctx.payload.update({ collection: 'articles', id: article.id, draft: true, autosave: true, data: { title: 'Still typing' } })
    expect(Object.values(await state()).every((xCache) => xCache === 'HIT')).toBe(true)

    // Saving a draft over a published document: the public still sees the published one.
    expect(JSON.parse((await get(`/api/articles/${article.id}?depth=0`)).text).title).toBe(article.title)

    await ctx.payload.update({ collection: 'articles', id: article.id, data: { title: 'Elbow care, revised', _status: 'published' } })
    expect(await state()).toEqual({
      sibling: 'HIT',
      article: 'MISS',
      articleBySlug: 'MISS',
      // Its join lists the article.
      condition: 'MISS',
      list: 'MISS',
      other: 'HIT',
      otherBySlug: 'HIT',
      clinic: 'HIT',
    })
    expect(JSON.parse((await get(`/api/articles/${article.id}?depth=0`)).text).title).toBe('Elbow care, revised')
  })

  it('drops the dependent entries on unpublish, publish, delete and a clinic change', async () => {
    const { article, other, image } = await setUp()
    const urls = {
      article: `/api/articles/${article.id}?depth=1`,
      list: '/api/articles?limit=3&depth=0',
      other: `/api/articles/${other.id}?depth=0`,
      newSlug: `/api/articles?where[slug][equals]=brand-new-${counter}&depth=0`,
      image: `/api/media/${image.id}`,
      clinic: '/api/globals/clinic',
    }
    let state = await warm(urls)
    expect(JSON.parse((await get(urls.newSlug)).text).docs).toHaveLength(0)

    await ctx.payload.update({ collection: 'articles', id: article.id, data: { _status: 'draft' } })
    expect(await state()).toEqual({ article: 'MISS', list: 'MISS', other: 'HIT', newSlug: 'HIT', image: 'HIT', clinic: 'HIT' })
    expect((await get(urls.article)).status).toBe(404)

    state = await warm({ list: urls.list, other: urls.other, newSlug: urls.newSlug, image: urls.image, clinic: urls.clinic })
    // A new document under a slug someone looked up: the empty answer goes.
    const created = await ctx.payload.create({
      collection: 'articles',
      data: { _status: 'published', title: 'Brand new', slug: `brand-new-${counter}`, content: richText('Hello.') },
    })
    expect(await state()).toEqual({ list: 'MISS', other: 'HIT', newSlug: 'MISS', image: 'HIT', clinic: 'HIT' })
    expect(JSON.parse((await get(urls.newSlug)).text).docs.map((doc: { id: number }) => doc.id)).toEqual([created.id])

    state = await warm({ list: urls.list, other: urls.other, newSlug: urls.newSlug, clinic: urls.clinic })
    await ctx.payload.delete({ collection: 'articles', id: created.id })
    expect(await state()).toEqual({ list: 'MISS', other: 'HIT', newSlug: 'MISS', clinic: 'HIT' })

    state = await warm({ list: urls.list, other: urls.other, clinic: urls.clinic })
    await ctx.payload.updateGlobal({ slug: 'clinic', data: { name: `Stevenson Clinic ${counter}`, bookingUrl: 'https://example.com/book', timezone: 'America/Chicago' } })
    expect(await state()).toEqual({ list: 'HIT', other: 'HIT', clinic: 'MISS' })

    // Media in use: an answer that shows the image goes when the image changes.
    state = await warm({ image: urls.image, other: urls.other })
    await ctx.payload.update({ collection: 'media', id: image.id, data: { alt: 'A forearm stretch' } })
    expect(await state()).toEqual({ image: 'MISS', other: 'HIT' })
  })

  it('drops a page whose relationship pointed at a document nobody could read yet, when that document is published', async () => {
    const hidden = await ctx.payload.create({
      collection: 'conditions',
      draft: true,
      data: { _status: 'draft', name: `Hidden ${counter}`, slug: `hidden-${counter}`, summary: 'Not yet.' } as never,
    })
    const article = await ctx.payload.create({
      collection: 'articles',
      data: { _status: 'published', title: 'Points ahead', slug: `points-ahead-${counter}`, content: richText('Soon.'), conditions: [hidden.id] } as never,
    })
    const url = `/api/articles/${article.id}?depth=1`
    await warm({ url })
    expect(JSON.stringify(JSON.parse((await get(url)).text).conditions)).not.toContain(`Hidden ${counter}`)
    await ctx.payload.update({ collection: 'conditions', id: hidden.id, data: { _status: 'published' } })
    const after = await get(url)
    expect(after.headers.get('x-cache')).toBe('MISS')
    expect(JSON.parse(after.text).conditions[0]).toMatchObject({ id: hidden.id, name: `Hidden ${counter}` })
  })

  it('drops the same entries when another process (the worker, publishing on schedule) makes the change', async () => {
    const { other } = await setUp()
    const draft = await ctx.payload.create({
      collection: 'articles',
      draft: true,
      data: { _status: 'draft', title: 'Scheduled one', slug: `scheduled-one-${counter}`, content: richText('Later.') },
    })
    const urls = {
      scheduled: `/api/articles?where[slug][equals]=${draft.slug}&depth=0`,
      list: '/api/articles?limit=3&depth=0',
      other: `/api/articles/${other.id}?depth=0`,
    }
    await warm(urls)
    await ctx.payload.jobs.queue({
      task: SCHEDULE_TASK,
      input: { type: 'publish', doc: { relationTo: 'articles', value: String(draft.id) }, timezone: 'UTC' } as never,
      waitUntil: new Date(Date.now() + 500),
    })
    const droppedBefore = cache.counters.dropped
    const clearsBefore = cache.counters.clears
    const worker = startWorker({ DATABASE_URI: process.env.DATABASE_URI!, MEDIA_DIR: process.env.MEDIA_DIR!, PAYLOAD_SECRET: process.env.PAYLOAD_SECRET! })
    workers.push(worker)

    // Reads back to back; the moment the row is published is taken from the database in this
    // process. No read that began more than 250 ms after it may get the old (empty) answer.
    const reads: { startedAt: number; found: boolean }[] = []
    let publishedAt: number | undefined
    await waitFor(
      'the scheduled article in the by-slug answer',
      async () => {
        if (publishedAt === undefined) {
          const row = await ctx.payload.db.findOne<{ id: number; _status?: string }>({ collection: 'articles', where: { id: { equals: draft.id } } })
          if (row?._status === 'published') publishedAt = Date.now()
        }
        const startedAt = Date.now()
        const found = JSON.parse((await get(urls.scheduled)).text).docs.length === 1
        reads.push({ startedAt, found })
        return found && publishedAt !== undefined && Date.now() - publishedAt > 300
      },
      { timeoutMs: 30_000, intervalMs: 5, explain: worker.output },
    )
    const stale = reads.filter((read) => !read.found && publishedAt !== undefined && read.startedAt - publishedAt > 250)
    expect(stale).toEqual([])
    // The article's own lookups and the lists go; an unrelated article's page stays.
    expect((await get(urls.other)).headers.get('x-cache')).toBe('HIT')
    expect((await get(urls.list)).headers.get('x-cache')).toBe('MISS')
    // It came through the change log, entry by entry, not as a clear of everything.
    expect(cache.counters.clears).toBe(clearsBefore)
    expect(cache.counters.dropped).toBeGreaterThan(droppedBefore)
  })
})

// A 1×1 transparent PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64')
