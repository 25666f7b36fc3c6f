/** The API over HTTP as a client uses it, and the anonymous GraphQL reader that sees publishes appear. Part of `npm run bench:schedule-latency` (run.ts). */
import { httpApi } from '../../tests/helpers/server'
import { SETTINGS } from './settings'
import { sleep } from './workers'

// ---- the API, over HTTP, as a client would use it ----

export const makeApi = (baseUrl: string) => {
  let token: string | undefined
  const call = (method: 'GET' | 'POST', pathAndQuery: string, body?: unknown) => httpApi(baseUrl, method, pathAndQuery, { body, token })
  const expect = async (method: 'GET' | 'POST', pathAndQuery: string, status: number, body?: unknown) => {
    const response = await call(method, pathAndQuery, body)
    if (response.status !== status) {
      throw new Error(`${method} /api${pathAndQuery} answered ${response.status} (expected ${status}): ${response.text.slice(0, 1000)}`)
    }
    return response.json
  }
  return {
    call,
    expect,
    setToken: (value: string) => (token = value),
  }
}
export type Api = ReturnType<typeof makeApi>

// ---- the reader: anonymous GraphQL, one request at a time ----

export const SEEN_QUERY = `query Seen($where: Article_where) { Articles(where: $where, limit: 100) { docs { id } } }`

export type Sighting = { start: number; end: number; poll: number }

export class Poller {
  readonly seen = new Map<string, Sighting>()
  /** Start of the last request whose answer did not contain the id yet. */
  readonly lastAbsentStart = new Map<string, number>()
  readonly durations: number[] = []
  polls = 0
  errors = 0
  lastError?: string
  private stopped = false
  readonly done: Promise<void>

  constructor(
    private readonly url: string,
    private readonly ids: string[],
  ) {
    this.done = this.loop()
  }

  stop() {
    this.stopped = true
    return this.done
  }

  private async loop() {
    while (!this.stopped) {
      const unseen = this.ids.filter((id) => !this.seen.has(id))
      if (!unseen.length) return
      const where = { OR: unseen.map((id) => ({ id: { equals: Number(id) } })) }
      const start = Date.now()
      try {
        const response = await fetch(`${this.url}/api/graphql`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ query: SEEN_QUERY, variables: { where } }),
        })
        const json: any = await response.json()
        const end = Date.now()
        const docs = json?.data?.Articles?.docs
        if (response.status !== 200 || json?.errors || !Array.isArray(docs)) {
          this.errors++
          this.lastError = `${response.status} ${JSON.stringify(json).slice(0, 500)}`
          await sleep(5)
          continue
        }
        this.polls++
        this.durations.push(end - start)
        const returned = new Set(docs.map((doc: { id: number | string }) => String(doc.id)))
        for (const id of unseen) {
          if (returned.has(id)) this.seen.set(id, { start, end, poll: this.polls })
          else this.lastAbsentStart.set(id, start)
        }
      } catch (error) {
        this.errors++
        this.lastError = error instanceof Error ? error.message : String(error)
        await sleep(5)
        continue
      }
      if (SETTINGS.pollPauseMs) await sleep(SETTINGS.pollPauseMs)
    }
  }
}

export const countVersions = async (api: Api, id: string) => {
  const json = await api.expect('GET', `/articles/versions?where[parent][equals]=${encodeURIComponent(id)}&limit=1&depth=0`, 200)
  return Number(json.totalDocs)
}

export const fetchJobs = async (api: Api) => {
  const json = await api.expect('GET', '/payload-jobs?where[taskSlug][equals]=schedulePublish&limit=1000&depth=0&pagination=false', 200)
  return json.docs as any[]
}
