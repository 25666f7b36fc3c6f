import { Worker } from 'node:worker_threads'

import { afterEach, describe, expect, it } from 'vitest'

import { SearchIndex } from '../../src/search/searchIndex'
import { serverSettings } from '../../src/server/settings'
import type { SearchEntry } from '../../src/search/sources'
import { SearchBusyError, SearchWorkerPool } from '../../src/search/workerPool'

/**
 * The production server's search threads (src/search/workerPool.ts, real worker threads running
 * src/search/searchWorker.ts): the same answers as an index in this thread on the same entries,
 * changes seen by every thread before the next search, and a thread that dies replaced and refilled.
 * Under `npm start` (the built dist/searchWorker.mjs): tests/e2e/feeds-sitemap.e2e.spec.ts.
 */
const entry = (id: number, title: string, body = ''): SearchEntry => ({
  key: `articles:${id}`,
  collection: 'articles',
  id,
  slug: `article-${id}`,
  title,
  excerpt: '',
  body,
  symptoms: '',
  techniques: '',
})

const ENTRIES = [
  entry(1, 'Frozen shoulder: can massage help?', 'Gentle mobilisation of the shoulder capsule.'),
  entry(2, 'Carpal tunnel syndrome', 'Numbness and tingling in the hand; <script> stays text.'),
  entry(3, 'Tension headaches', 'Trigger point work on the neck and shoulders.'),
  entry(4, 'Sciatica', 'Pain along the sciatic nerve, low back and hip.'),
]
const ALL = { collections: new Set(['articles', 'conditions', 'services', 'faqs'] as const), limit: 10 }

const spawned: Worker[] = []
// The TypeScript source, loaded through tsx's API (a worker does not inherit the test's loader); npm start runs the built dist/searchWorker.mjs.
const WORKER_URL = new URL('../../src/search/searchWorker.ts', import.meta.url).href
const TSX_API = import.meta.resolve('tsx/esm/api')
const spawn = () => {
  const worker = new Worker(`import(${JSON.stringify(TSX_API)}).then(({ tsImport }) => tsImport(${JSON.stringify(WORKER_URL)}, ${JSON.stringify(WORKER_URL)}))`, { eval: true })
  spawned.push(worker)
  return worker
}
let pool: SearchWorkerPool | undefined

afterEach(async () => {
  await pool?.stop()
  spawned.length = 0
})

const searchBoth = (q: string) => Promise.all([pool!.search({ q, ...ALL }), pool!.search({ q, ...ALL })])

describe('search threads', () => {
  it('answer nothing before the index arrives, then exactly what an index in this thread answers', async () => {
    pool = new SearchWorkerPool(spawn, 2, () => {})
    expect(pool.ready).toBe(false)
    await expect(pool.search({ q: 'shoulder', ...ALL })).rejects.toThrow(/not ready/)
    pool.replaceAll(ENTRIES)
    expect(pool.ready).toBe(true)
    const local = new SearchIndex(ENTRIES)
    for (const q of ['frozen shoulder', 'frozn sholder', 'tingling', 'script', 'hip', 'nothing-like-this']) {
      // Two at once: one on each thread.
      for (const answer of await searchBoth(q)) expect(answer).toEqual(local.search(q, ALL))
    }
  })

  it('see every change before the next search, on every thread', async () => {
    pool = new SearchWorkerPool(spawn, 2, () => {})
    pool.replaceAll(ENTRIES)
    pool.upsert([entry(5, 'Myofascial release'), entry(1, 'Adhesive capsulitis')])
    pool.remove(['articles:4'])
    for (const answer of await searchBoth('myofascial')) expect(answer.results.map((hit) => hit.id)).toEqual([5])
    for (const answer of await searchBoth('frozen')) expect(answer.total).toBe(0)
    for (const answer of await searchBoth('sciatica')) expect(answer.total).toBe(0)
  })

  it('replace a thread that dies and fill it with the current entries; its waiting searches fail', async () => {
    const logged: string[] = []
    pool = new SearchWorkerPool(spawn, 1, (message) => logged.push(message))
    pool.replaceAll(ENTRIES)
    pool.upsert([entry(6, 'Lymphatic drainage')])
    await pool.search({ q: 'lymphatic', ...ALL })
    const waiting = pool.search({ q: 'lymphatic', ...ALL })
    await spawned[0].terminate()
    await expect(waiting).rejects.toThrow(/exited/)
    expect(spawned).toHaveLength(2)
    expect(logged.join('\n')).toMatch(/search thread exited \(1\): replaced/)
    expect((await pool.search({ q: 'lymphatic', ...ALL })).results.map((hit) => hit.id)).toEqual([6])
  })
})

describe('a flood of searches', () => {
  it('is refused once every thread has its queue full, and answered again once it drains', async () => {
    pool = new SearchWorkerPool(spawn, 1, () => {}, 3)
    pool.replaceAll(ENTRIES)
    const waiting = [1, 2, 3].map(() => pool!.search({ q: 'shoulder', ...ALL }))
    await expect(pool.search({ q: 'shoulder', ...ALL })).rejects.toBeInstanceOf(SearchBusyError)
    for (const answer of await Promise.all(waiting)) expect(answer.results[0].id).toBe(1)
    expect((await pool.search({ q: 'shoulder', ...ALL })).total).toBe(2)
  })
})

describe('SEARCH_WORKERS', () => {
  it('defaults to the cores per server process less one (1 to 4), takes 0 to 16, and refuses anything else with a sentence', () => {
    const threads = serverSettings({ NODE_ENV: 'production' }).searchWorkers
    expect(threads).toBeGreaterThanOrEqual(1)
    expect(threads).toBeLessThanOrEqual(4)
    expect(serverSettings({ NODE_ENV: 'production', SEARCH_WORKERS: '0' }).searchWorkers).toBe(0)
    expect(serverSettings({ NODE_ENV: 'production', SEARCH_WORKERS: '3' }).searchWorkers).toBe(3)
    for (const bad of ['two', '-1', '17', '1.5']) {
      expect(() => serverSettings({ NODE_ENV: 'production', SEARCH_WORKERS: bad })).toThrow(`SEARCH_WORKERS must be a whole number from 0 to 16 (got "${bad}").`)
    }
  })
})
