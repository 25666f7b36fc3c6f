import type { Worker } from 'node:worker_threads'

import type { SearchInput } from './input'
import type { SearchHit } from './searchIndex'
import type { SearchWorkerReply, SearchWorkerRequest } from './searchWorker'
import type { SearchEntry } from './sources'

type Answer = { results: SearchHit[]; total: number }
type Pending = { resolve: (answer: Answer) => void; reject: (error: Error) => void }
type Thread = { worker: Worker; pending: Map<number, Pending>; retired: boolean }

/**
 * Searches waiting per thread before the pool refuses more (SearchBusyError → 503): a search takes about a
 * millisecond, so this many waiting means a flood, and answering it late would only make every reader wait.
 */
export const MAX_WAITING_PER_THREAD = 64

/** Every thread has MAX_WAITING_PER_THREAD searches waiting. */
export class SearchBusyError extends Error {}

/** A thread that dies is replaced; more than this many deaths within RESTART_WINDOW_MS and the pool gives up (searches go back to Payload). */
const MAX_RESTARTS = 5
const RESTART_WINDOW_MS = 60_000

/**
 * The production server's search threads (server.ts, SEARCH_WORKERS): each holds a copy of the
 * search index (src/search/searchWorker.ts) and answers GET /api/search off the event loop that
 * serves everything else, so a search neither waits behind nor delays cache hits and Payload's
 * requests, and searches use every core. Fed by this process's SearchService (src/search/service.ts)
 * through src/search/bridge.ts with the same entries, in the same order, as its own index, which
 * GraphQL `Search` and the Payload endpoint read: the answers are the same (tests/e2e/feeds-sitemap).
 *
 * Each search goes to the thread with the fewest searches waiting. The pool keeps the current
 * entries, so a thread that dies (it should not: the index is bounded, a search is bounded by
 * src/search/input.ts) is replaced and refilled; its waiting searches fail and are answered by
 * Payload instead. Not `ready` until the first full set of entries has arrived.
 */
export class SearchWorkerPool {
  private readonly threads: Thread[] = []
  private readonly entries = new Map<string, SearchEntry>()
  private nextId = 1
  private restarts: number[] = []
  private stopped = false
  /** True once the index has been filled; false again if threads keep dying. */
  ready = false

  constructor(
    private readonly spawn: () => Worker,
    size: number,
    private readonly log: (message: string) => void = (message) => console.error(message),
    private readonly maxWaitingPerThread = MAX_WAITING_PER_THREAD,
  ) {
    for (let i = 0; i < size; i += 1) this.threads.push(this.start())
  }

  get size() {
    return this.threads.length
  }

  /** The whole index, replaced (SearchService.rebuild). */
  replaceAll(entries: SearchEntry[]) {
    this.entries.clear()
    for (const entry of entries) this.entries.set(entry.key, entry)
    this.broadcast({ type: 'replace', entries })
    if (this.threads.length > 0 && !this.stopped) this.ready = true
  }

  upsert(entries: SearchEntry[]) {
    if (entries.length === 0) return
    for (const entry of entries) this.entries.set(entry.key, entry)
    this.broadcast({ type: 'upsert', entries })
  }

  remove(keys: string[]) {
    if (keys.length === 0) return
    for (const key of keys) this.entries.delete(key)
    this.broadcast({ type: 'remove', keys })
  }

  search(input: SearchInput): Promise<Answer> {
    const thread = this.threads.reduce<Thread | undefined>((best, candidate) => (!best || candidate.pending.size < best.pending.size ? candidate : best), undefined)
    if (!thread || !this.ready) return Promise.reject(new Error('the search threads are not ready'))
    if (thread.pending.size >= this.maxWaitingPerThread) return Promise.reject(new SearchBusyError('every search thread has a full queue'))
    const id = this.nextId++
    return new Promise<Answer>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject })
      thread.worker.postMessage({ type: 'search', id, q: input.q, collections: [...input.collections], limit: input.limit } satisfies SearchWorkerRequest)
    })
  }

  async stop() {
    this.stopped = true
    this.ready = false
    await Promise.all(this.threads.map((thread) => this.retire(thread, new Error('the search pool stopped'))))
  }

  private broadcast(message: SearchWorkerRequest) {
    for (const thread of this.threads) thread.worker.postMessage(message)
  }

  private start(): Thread {
    const thread: Thread = { worker: this.spawn(), pending: new Map(), retired: false }
    thread.worker.on('message', (reply: SearchWorkerReply) => {
      const pending = thread.pending.get(reply.id)
      if (!pending) return
      thread.pending.delete(reply.id)
      if ('error' in reply) pending.reject(new Error(reply.error))
      else pending.resolve(reply.answer)
    })
    thread.worker.on('error', (error) => this.log(`search thread failed: ${error.message}`))
    thread.worker.once('exit', (code) => {
      if (thread.retired) return
      void this.retire(thread, new Error(`the search thread exited (${code})`))
      this.replace(thread, code)
    })
    // The server may exit with its threads running.
    thread.worker.unref()
    return thread
  }

  private async retire(thread: Thread, error: Error) {
    thread.retired = true
    for (const pending of thread.pending.values()) pending.reject(error)
    thread.pending.clear()
    await thread.worker.terminate()
  }

  private replace(dead: Thread, code: number) {
    const at = this.threads.indexOf(dead)
    if (at === -1 || this.stopped) return
    const now = Date.now()
    this.restarts = [...this.restarts.filter((time) => now - time < RESTART_WINDOW_MS), now]
    if (this.restarts.length > MAX_RESTARTS) {
      this.threads.splice(at, 1)
      if (this.threads.length === 0) this.ready = false
      this.log(`search thread exited (${code}) ${this.restarts.length} times within a minute: not replaced; ${this.threads.length} left`)
      return
    }
    this.log(`search thread exited (${code}): replaced`)
    const thread = this.start()
    this.threads[at] = thread
    if (this.entries.size > 0 || this.ready) thread.worker.postMessage({ type: 'replace', entries: [...this.entries.values()] } satisfies SearchWorkerRequest)
  }
}
