import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Payload } from 'payload'

import { richText } from '../helpers/fixtures'
import { httpApi, localPayloadOnServerData, startProductionServer, type RunningServer } from '../helpers/server'
import { startWorker, type WorkerProcess } from '../helpers/worker'

/**
 * The response cache of the production server (`npm start`), over real HTTP, with changes
 * made by the server itself, by another process through the Local API (this test process),
 * and by a real worker applying a scheduled publish. The contract: a change made through
 * the server shows on the very next read; a change made elsewhere shows within 250 ms, and
 * no read that starts later than that is stale. Latencies are not asserted (that is the
 * bench's job): staleness after the window is.
 */

const WINDOW_MS = 250
const EMAIL = 'owner@clinic.test'
const PASSWORD = 'a-long-and-memorable-passphrase'
const API_KEY = 'preview-front-end-key-0123456789abcdef'

let server: RunningServer
let token: string
let payload: Payload
let worker: WorkerProcess | undefined

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

beforeAll(async () => {
  server = await startProductionServer('content-cache')
  const registered = await httpApi(server.url, 'POST', '/users/first-register', {
    body: { email: EMAIL, password: PASSWORD, 'confirm-password': PASSWORD },
  })
  expect(registered.status).toBe(200)
  token = registered.json.token
  const user = registered.json.user
  const keyed = await httpApi(server.url, 'PATCH', `/users/${user.id}`, { token, body: { enableAPIKey: true, apiKey: API_KEY } })
  expect(keyed.status).toBe(200)

  // This test process is "another process": the Local API on the server's SQLite file.
  payload = await localPayloadOnServerData(server)
})

afterAll(async () => {
  if (worker) {
    worker.kill('SIGTERM')
    await worker.exited
  }
  await payload?.destroy()
  await server?.stop()
})

const createArticle = async (title: string, status: 'published' | 'draft') => {
  const created = await httpApi(server.url, 'POST', `/articles${status === 'draft' ? '?draft=true' : ''}`, {
    token,
    body: { _status: status, title, slug: title.toLowerCase().replace(/\W+/g, '-'), content: richText(`${title}.`) },
  })
  expect(created.status).toBe(201)
  return created.json.doc as { id: number; slug: string }
}

type Read = { startedAt: number; value: string; xCache: string | null }

/**
 * Reads `read()` back to back from `concurrency` loops until `stop()` says so, and records
 * when each read started and what it saw.
 */
const pollReads = async (read: () => Promise<Omit<Read, 'startedAt'>>, stop: () => boolean, concurrency = 2) => {
  const reads: Read[] = []
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!stop()) {
        const startedAt = Date.now()
        reads.push({ startedAt, ...(await read()) })
      }
    }),
  )
  return reads
}

const readTitle = (id: number) => async () => {
  const response = await fetch(`${server.url}/api/articles/${id}?depth=0`)
  const json = (await response.json()) as { title?: string }
  return { value: response.status === 200 ? String(json.title) : `status ${response.status}`, xCache: response.headers.get('x-cache') }
}

describe('who the cache answers', () => {
  let published: { id: number }
  let draft: { id: number }

  beforeAll(async () => {
    published = await createArticle('Cached Published', 'published')
    draft = await createArticle('Cached Draft', 'draft')
  })

  it('anonymous REST and GraphQL reads: MISS, then HIT with a strong ETag, and 304', async () => {
    const url = `${server.url}/api/articles?limit=5&depth=0`
    const first = await fetch(url)
    expect(first.headers.get('x-cache')).toBe('MISS')
    const body = await first.text()
    const second = await fetch(url)
    expect(second.headers.get('x-cache')).toBe('HIT')
    expect(await second.text()).toBe(body)
    const etag = second.headers.get('etag')!
    expect(etag).toMatch(/^"[\w-]+"$/)
    expect(second.headers.get('cache-control')).toBe('public, max-age=0, s-maxage=10, stale-while-revalidate=30')
    const notModified = await fetch(url, { headers: { 'If-None-Match': etag } })
    expect(notModified.status).toBe(304)

    const query = '{ Articles(limit: 5) { docs { title } } }'
    const viaGet = `${server.url}/api/graphql?query=${encodeURIComponent(query)}`
    expect((await fetch(viaGet)).headers.get('x-cache')).toBe('MISS')
    const hit = await fetch(viaGet)
    expect(hit.headers.get('x-cache')).toBe('HIT')
    expect(((await hit.json()) as any).data.Articles.docs.map((doc: any) => doc.title)).toEqual(['Cached Published'])
    const viaPost = await fetch(`${server.url}/api/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query }),
    })
    expect(viaPost.headers.get('x-cache')).toBe('HIT')
  })

  it('bypasses, always, for sessions, JWTs, API keys, drafts, users and subscribers', async () => {
    const listUrl = `${server.url}/api/articles?limit=5&depth=0`
    await fetch(listUrl)
    const credentials: Record<string, string>[] = [
      // Payload accepts a session cookie only from its own origin (CSRF): a browser sends Origin.
      { Cookie: `payload-token=${token}`, Origin: server.url },
      { Authorization: `JWT ${token}` },
      { Authorization: `users API-Key ${API_KEY}` },
    ]
    for (const headers of credentials) {
      const response = await fetch(listUrl, { headers })
      expect(response.headers.get('x-cache')).toBe('BYPASS')
      expect(response.headers.get('cache-control')).toBe('private, no-store')
      const titles = ((await response.json()) as any).docs.map((doc: any) => doc.title).sort()
      // Staff see the draft too: proof the answer came from Payload, not the anonymous entry.
      expect(titles).toEqual(['Cached Draft', 'Cached Published'])
    }
    const graphqlAsStaff = await fetch(`${server.url}/api/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `users API-Key ${API_KEY}` },
      body: JSON.stringify({ query: '{ Articles(draft: true) { totalDocs } }' }),
    })
    expect(graphqlAsStaff.headers.get('x-cache')).toBe('BYPASS')
    expect(graphqlAsStaff.headers.get('cache-control')).toBe('private, no-store')

    const anonymousBypasses = [
      `/api/articles?limit=5&depth=0&draft=true`,
      `/api/articles/${draft.id}?draft=true`,
      `/api/articles/versions`,
      `/api/users`,
      `/api/subscribers`,
      `/api/graphql?query=${encodeURIComponent('{ Articles(draft: true) { totalDocs } }')}`,
      `/api/graphql?query=${encodeURIComponent('{ Users { totalDocs } }')}`,
    ]
    for (const path of anonymousBypasses) {
      const response = await fetch(`${server.url}${path}`)
      expect([path, response.headers.get('x-cache')]).toEqual([path, 'BYPASS'])
      expect(await response.text()).not.toContain('Cached Draft')
    }
    const anonymousMutation = await fetch(`${server.url}/api/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { loginUser(email: "nobody@clinic.test", password: "wrong") { token } }' }),
    })
    expect(anonymousMutation.headers.get('x-cache')).toBe('BYPASS')
    const mutationOverGet = await fetch(`${server.url}/api/graphql?query=${encodeURIComponent('mutation { logoutUser }')}`)
    expect(mutationOverGet.status).toBe(405)
    // The admin is not the API: no cache headers there.
    const admin = await fetch(`${server.url}/admin`, { redirect: 'manual' })
    expect(admin.headers.get('x-cache')).toBeNull()
  })
})

describe('freshness', () => {
  it('shows a change made through the server on the very next read', async () => {
    const article = await createArticle('Same Process', 'published')
    for (let round = 1; round <= 5; round++) {
      // The change's request drops the cache again when it ends, which can land just after
      // the client has its answer and discard the first fill: read until an entry is kept.
      let cached = await readTitle(article.id)()
      for (let attempt = 0; cached.xCache !== 'HIT' && attempt < 5; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        cached = await readTitle(article.id)()
      }
      expect(cached.xCache).toBe('HIT')
      const updated =
        round % 2
          ? await httpApi(server.url, 'PATCH', `/articles/${article.id}`, { token, body: { title: `Same Process ${round}` } })
          : await httpApi(server.url, 'POST', '/graphql', {
              token,
              body: { query: `mutation { updateArticle(id: ${article.id}, data: { title: "Same Process ${round}" }) { id } }` },
            })
      expect(updated.status).toBe(200)
      expect((await readTitle(article.id)()).value).toBe(`Same Process ${round}`)
    }
    const removed = await httpApi(server.url, 'DELETE', `/articles/${article.id}`, { token })
    expect(removed.status).toBe(200)
    expect((await readTitle(article.id)()).value).toBe('status 404')
  })

  it(`shows a change made by another process (Local API) within ${WINDOW_MS} ms: no stale read after that`, async () => {
    const article = await createArticle('Other Process', 'published')
    const stale: Read[] = []
    const windows: number[] = []
    let hitsBeforeChanges = 0
    for (let round = 1; round <= 10; round++) {
      const title = `Other Process ${round}`
      let doneAt = Number.POSITIVE_INFINITY
      let stopAt = Number.POSITIVE_INFINITY
      const reading = pollReads(readTitle(article.id), () => Date.now() > stopAt)
      await sleep(100 + Math.random() * 100)
      await payload.update({ collection: 'articles', id: article.id, data: { title }, overrideAccess: true })
      doneAt = Date.now()
      stopAt = doneAt + WINDOW_MS + 300
      const reads = await reading
      stale.push(...reads.filter((read) => read.startedAt > doneAt + WINDOW_MS && read.value !== title))
      const firstFresh = reads.find((read) => read.startedAt >= doneAt && read.value === title)
      if (firstFresh) windows.push(firstFresh.startedAt - doneAt)
      hitsBeforeChanges += reads.filter((read) => read.startedAt < doneAt && read.xCache === 'HIT').length
    }
    // The readers were served from the cache before the changes (the test would prove nothing otherwise).
    expect(hitsBeforeChanges).toBeGreaterThan(0)
    console.log(`[content-cache] other-process change → first fresh read started after (ms): ${windows.join(', ')}`)
    expect(stale).toEqual([])
    expect(windows.length).toBe(10)
  })

  it(`shows a scheduled publish by the real worker within ${WINDOW_MS} ms: no stale read after that`, async () => {
    worker = startWorker({
      DATABASE_URI: server.databaseUri,
      PAYLOAD_SECRET: String(server.env.PAYLOAD_SECRET),
      MEDIA_DIR: String(server.env.MEDIA_DIR),
    })
    await worker.ready
    const article = await createArticle('Scheduled For Later', 'draft')
    const countQuery = `{ Articles(where: { slug: { equals: "${article.slug}" } }) { totalDocs } }`
    const readCount = async () => {
      const response = await fetch(`${server.url}/api/graphql?query=${encodeURIComponent(countQuery)}`)
      const json = (await response.json()) as any
      return { value: String(json?.data?.Articles?.totalDocs), xCache: response.headers.get('x-cache') }
    }
    const at = new Date(Date.now() + 2500).toISOString()
    const scheduled = await httpApi(server.url, 'POST', `/articles/${article.id}/schedule`, { token, body: { action: 'publish', at } })
    expect(scheduled.status).toBe(201)

    // When the publish is complete, as this process sees the database directly: the document
    // is published and the content revision, written at the end of the operation, has moved
    // (SQLite runs without transactions here, so the document row is visible a little earlier).
    const revision = async () => ((await payload.db.findGlobal({ slug: 'content-revision' })) as { revision?: string }).revision
    const revisionBefore = await revision()
    let committedAt = Number.POSITIVE_INFINITY
    let stopAt = Number.POSITIVE_INFINITY
    const watching = (async () => {
      const deadline = Date.now() + 60_000
      while (Date.now() < deadline) {
        const doc = await payload.db.findOne<{ id: number; _status?: string }>({ collection: 'articles', where: { id: { equals: article.id } } })
        if (doc?._status === 'published' && (await revision()) !== revisionBefore) {
          committedAt = Date.now()
          stopAt = committedAt + WINDOW_MS + 500
          return
        }
        await sleep(5)
      }
      stopAt = Date.now()
    })()
    const reads = await pollReads(readCount, () => Date.now() > stopAt)
    await watching
    expect(committedAt).toBeLessThan(Number.POSITIVE_INFINITY)
    expect(reads.some((read) => read.value === '0' && read.xCache === 'HIT')).toBe(true)
    const stale = reads.filter((read) => read.startedAt > committedAt + WINDOW_MS && read.value !== '1')
    const firstFresh = reads.find((read) => read.value === '1')
    console.log(`[content-cache] worker publish → first fresh read started ${firstFresh ? firstFresh.startedAt - committedAt : '-'} ms after commit`)
    expect(stale).toEqual([])
    expect(reads.filter((read) => read.startedAt > committedAt + WINDOW_MS).length).toBeGreaterThan(0)
  })
})
