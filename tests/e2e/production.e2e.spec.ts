import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { graphql, seedServerDatabase, startProductionServer, type RunningServer } from '../helpers/server'

let server: RunningServer

beforeAll(async () => {
  server = await startProductionServer('production')
})

afterAll(async () => {
  await server?.stop()
})

const FRONT_PAGE_QUERY = `query FrontPage {
  Articles(limit: 10, sort: "-publishedAt") {
    docs { title slug excerpt heroImage { url } conditions { name slug } }
  }
}`

describe('production build on a fresh SQLite file', () => {
  it('migrates on start: GraphQL answers 200 on the empty database', async () => {
    const { status, json } = await graphql(server.url, FRONT_PAGE_QUERY)
    expect(status).toBe(200)
    expect(json.errors).toBeUndefined()
    expect(json.data.Articles.docs).toEqual([])
  })

  it('serves the seeded published articles after `npm run seed`', async () => {
    await seedServerDatabase(server)
    const { status, json } = await graphql(server.url, FRONT_PAGE_QUERY)
    expect(status).toBe(200)
    expect(json.errors).toBeUndefined()
    const docs = json.data.Articles.docs
    expect(docs.length).toBe(10)
    // SERVER_URL is set, so media URLs are absolute and front ends can use them as they are.
    expect(docs[0].heroImage.url.startsWith(`${server.url}/api/media/file/`)).toBe(true)
    expect(docs.some((doc: any) => doc.conditions.length > 0)).toBe(true)

    const drafts = await graphql(server.url, '{ Articles(draft: true, where: { _status: { equals: draft } }) { totalDocs } }')
    expect(drafts.json.data.Articles.totalDocs).toBe(0)
  })

  it('serves media files and the admin page', async () => {
    const { json } = await graphql(server.url, '{ Articles(limit: 1) { docs { heroImage { url } } } }')
    const image = await fetch(json.data.Articles.docs[0].heroImage.url)
    expect(image.status).toBe(200)
    expect(image.headers.get('content-type')).toMatch(/^image\//)
    const admin = await fetch(`${server.url}/admin`, { redirect: 'manual' })
    expect([200, 307, 308]).toContain(admin.status)
  })

  it('keeps the GraphQL playground off in production', async () => {
    const playground = await fetch(`${server.url}/api/graphql-playground`)
    expect(playground.status).toBeGreaterThanOrEqual(400)
  })
})
