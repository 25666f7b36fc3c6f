/**
 * A search thread of the production server (src/search/workerPool.ts): one SearchIndex, fed the
 * published documents' entries by the pool, answering searches. Built to dist/searchWorker.mjs by
 * `npm run build:server`. Messages from one pool are handled in order, so a search always sees the
 * changes posted before it.
 */
import { parentPort } from 'node:worker_threads'

import type { PublishedContentSlug } from '../../collections/shared/publishedContentSlugs'
import { SearchIndex } from './searchIndex'
import type { SearchEntry } from './sources'

export type SearchWorkerRequest =
  | { type: 'replace'; entries: SearchEntry[] }
  | { type: 'upsert'; entries: SearchEntry[] }
  | { type: 'remove'; keys: string[] }
  | { type: 'search'; id: number; q: string; collections: PublishedContentSlug[]; limit: number }

export type SearchWorkerReply =
  | { id: number; answer: ReturnType<SearchIndex['search']> }
  | { id: number; error: string }

if (!parentPort) throw new Error('src/search/searchWorker.ts runs as a worker thread of the search pool')
const port = parentPort
let index = new SearchIndex()

port.on('message', (message: SearchWorkerRequest) => {
  switch (message.type) {
    case 'replace':
      index = new SearchIndex(message.entries)
      return
    case 'upsert':
      for (const entry of message.entries) index.upsert(entry)
      return
    case 'remove':
      for (const key of message.keys) index.remove(key)
      return
    case 'search':
      try {
        port.postMessage({ id: message.id, answer: index.search(message.q, { collections: new Set(message.collections), limit: message.limit }) } satisfies SearchWorkerReply)
      } catch (error) {
        port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) } satisfies SearchWorkerReply)
      }
  }
})
