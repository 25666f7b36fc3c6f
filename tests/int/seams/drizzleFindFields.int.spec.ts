import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../../helpers/fixtures'
import { type TestPayload, startTestPayload, stopTestPayloadIfStarted } from '../../helpers/payload'
import { ADAPTER_FIND, findWithoutExcludedFields } from '../../../src/seams/drizzleFindFields'
import { withAdapterFind as withAdapterFindOf } from '../../helpers/adapterFind'

/**
 * The contract of src/seams/drizzleFindFields.ts on a real SQLite file: the SQL adapter's find
 * builds documents from the fields of the collection config it reads through `this.payload`
 * (installed in onInit, a find with an exclusion select builds no keys for the excluded fields);
 * and what Payload answers is the same as a full read less those fields, also when the where
 * or the sort names an excluded field.
 */
let ctx: TestPayload

beforeAll(async () => {
  ctx = await startTestPayload('seam-drizzle-find')
  for (const [index, title] of ['Alpha', 'Beta', 'Gamma'].entries()) {
    await ctx.payload.create({
      collection: 'articles',
      data: {
        _status: 'published',
        title,
        slug: `seam-find-${index}`,
        excerpt: `About ${title}.`,
        content: richText(`${title} body.`),
        seo: { title: `${title} SEO` },
        publishedAt: new Date(Date.UTC(2026, 0, 1 + index)).toISOString(),
      } as never,
    })
  }
})
afterAll(() => stopTestPayloadIfStarted(ctx))

const EXCLUDED = { content: false, contentHtml: false, jsonLd: false, seo: false, excerpt: false, publishedAt: false, conditions: false, services: false } as const

const withAdapterFind = <T>(read: () => Promise<T>) => withAdapterFindOf(ctx.payload, read)

describe('the SQL adapter find and excluded fields', () => {
  it('is installed on the SQLite adapter (onInit), and the adapter then builds no keys for excluded fields', async () => {
    // Installed by onInit already; installing again changes nothing.
    expect((ctx.payload.db.find as unknown as { [ADAPTER_FIND]?: unknown })[ADAPTER_FIND]).toBeTypeOf('function')
    expect(findWithoutExcludedFields(ctx.payload)).toBe(true)
    const read = () => ctx.payload.db.find({ collection: 'articles', select: EXCLUDED, limit: 10, pagination: false } as never) as Promise<{ docs: Record<string, unknown>[] }>
    // The adapter's own transform gives an excluded group an object and an excluded hasMany relationship a list: it walks every field.
    const own = await withAdapterFind(read)
    expect(own.docs[0]).toHaveProperty('seo')
    expect(own.docs[0]).toHaveProperty('conditions')
    const { docs } = await read()
    expect(docs.length).toBeGreaterThanOrEqual(3)
    for (const doc of docs) {
      expect(Object.keys(doc)).not.toContain('seo')
      expect(Object.keys(doc)).not.toContain('conditions')
      expect(doc.title).toEqual(expect.any(String))
    }
  })

  it('Payload answers what it answers with the adapter’s own find, also when the where or the sort names an excluded field', async () => {
    const reads: Parameters<typeof ctx.payload.find<'articles', Record<string, false>>>[0][] = [
      { collection: 'articles' as const, where: { 'seo.title': { like: 'SEO' }, excerpt: { exists: true } }, sort: '-publishedAt', limit: 10, select: EXCLUDED },
      { collection: 'articles' as const, where: { slug: { like: 'seam-find' } }, limit: 10, select: EXCLUDED },
      { collection: 'articles' as const, sort: 'title', limit: 2, page: 2, select: { ...EXCLUDED, title: false } },
    ]
    for (const read of reads) {
      const seamed = await ctx.payload.find({ ...read, depth: 1 })
      const own = await withAdapterFind(() => ctx.payload.find({ ...read, depth: 1 }))
      expect(seamed.docs.length, JSON.stringify(read)).toBeGreaterThan(0)
      expect(JSON.stringify(seamed), JSON.stringify(read)).toBe(JSON.stringify(own))
    }
    const sorted = await ctx.payload.find({ ...reads[0]!, depth: 0 })
    expect(sorted.docs.map((doc) => doc.title)).toEqual(['Gamma', 'Beta', 'Alpha'])
  })
})
