import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../../helpers/fixtures'
import { type TestPayload, startTestPayload, stopTestPayloadIfStarted } from '../../helpers/payload'
import { withoutWalkingExcludedFields } from '../../../src/seams/afterReadFields'
import { omitsExcludedFields } from '../../../src/seams/drizzleFindFields'
import { withAdapterFind as withAdapterFindOf } from '../../helpers/adapterFind'

/**
 * The contract of src/seams/afterReadFields.ts on a real SQLite file: Payload's find operation runs
 * afterRead over the `fields` of the collection config in its args (so a config without a field
 * leaves that field's key alone: shown with the adapter's own find, which builds keys for excluded
 * fields), and with the SQL adapter's seam (which builds no such keys) the answers of a GraphQL
 * read are the same with and without the narrowed walk.
 */
let ctx: TestPayload
let http: typeof import('../../helpers/http')

beforeAll(async () => {
  ctx = await startTestPayload('seam-after-read')
  http = await import('../../helpers/http')
  for (const [index, title] of ['Alpha', 'Beta'].entries()) {
    await ctx.payload.create({
      collection: 'articles',
      data: { _status: 'published', title, slug: `seam-walk-${index}`, excerpt: `About ${title}.`, content: richText(`${title} body.`), seo: { title: `${title} SEO` } } as never,
    })
  }
})
afterAll(() => stopTestPayloadIfStarted(ctx))

const SELECT = { content: false, contentHtml: false, jsonLd: false, seo: false, excerpt: false, conditions: false, services: false } as const

const find = async (narrowed: boolean) => {
  const { createLocalReq, findOperation } = await import('payload')
  const req = await createLocalReq({}, ctx.payload)
  const args = { collection: ctx.payload.collections.articles, depth: 0, limit: 10, overrideAccess: true, req, select: SELECT, sort: 'title' }
  return findOperation((narrowed ? withoutWalkingExcludedFields(args, true) : args) as never)
}

const withAdapterFind = <T>(read: () => Promise<T>) => withAdapterFindOf(ctx.payload, read)

describe('the afterRead walk and excluded fields', () => {
  it('find walks the fields of the config in its args: a config without `seo` leaves the key the adapter built', async () => {
    const walked = await withAdapterFind(() => find(false))
    const narrowed = await withAdapterFind(() => find(true))
    expect(walked.docs[0]).not.toHaveProperty('seo')
    // Would be stripped if find stopped taking the config from its args or walked something else.
    expect(narrowed.docs[0]).toHaveProperty('seo')
  })

  it('with the SQL adapter seam installed, a narrowed walk answers exactly as the full one', async () => {
    expect(omitsExcludedFields(ctx.payload)).toBe(true)
    expect(JSON.stringify(await find(true))).toBe(JSON.stringify(await find(false)))
    const query = `{ Articles(limit: 5, sort: "title") { docs { title slug heroImage { url } conditions { name } } } }`
    const { status, json } = await http.gql(query)
    expect(status).toBe(200)
    expect(json.data.Articles.docs.map((doc: { title: string }) => doc.title)).toEqual(['Alpha', 'Beta'])
  })
})
