import http from 'node:http'
import net from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { richText } from '../helpers/fixtures'
import {
  httpApi,
  processIsAlive,
  residentBytes,
  serverProcessPids,
  startProductionServer,
  type RunningServer,
} from '../helpers/server'
import { streamBody } from '../helpers/streamBody'
import { waitFor } from '../helpers/waitFor'

/**
 * The production server's own defences, over real HTTP to 127.0.0.1 (see SECURITY-server.md):
 * request bodies refused while they stream, browser-protection headers on every response,
 * and server processes restarted by their supervisor after a crash.
 */

const EMAIL = 'owner@clinic.test'
const PASSWORD = 'a-long-and-memorable-passphrase'
const MB = 1024 * 1024
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits (bounded) until the supervisor reports its warm spare, so a kill measures the designed path. */
const spareStandingBy = (server: RunningServer) =>
  waitFor('a spare server process standing by', () => {
    const spares = [...server.output().matchAll(/server process (\d+) standing by/g)].map((match) => Number(match[1]))
    const ready = new Set(serverProcessPids(server))
    return spares.some((pid) => !ready.has(pid) && processIsAlive(pid))
  }, { timeoutMs: 90_000, intervalMs: 100, explain: () => server.output() })

const expectBrowserProtections = (headers: Headers, what: string) => {
  expect(headers.get('x-content-type-options'), what).toBe('nosniff')
  expect(headers.get('x-frame-options'), what).toBe('SAMEORIGIN')
  expect(headers.get('referrer-policy'), what).toMatch(/^(strict-origin-when-cross-origin|no-referrer)$/)
}

describe('one server process (WEB_CONCURRENCY=1)', () => {
  let server: RunningServer
  let token: string

  beforeAll(async () => {
    server = await startProductionServer('hardening-1', { WEB_CONCURRENCY: '1', SERVER_HEADERS_TIMEOUT_MS: '1500' })
    const registered = await httpApi(server.url, 'POST', '/users/first-register', {
      body: { email: EMAIL, password: PASSWORD, 'confirm-password': PASSWORD },
    })
    expect(registered.status).toBe(200)
    token = registered.json.token
  })

  afterAll(async () => {
    if (server) expect(await server.stop()).toBe(0)
  })

  describe('request bodies are refused while they stream', () => {
    for (const [path, headers] of [
      ['/api/subscribe', { 'content-type': 'application/json' }],
      ['/api/graphql', { 'content-type': 'application/json' }],
    ] as const) {
      it(`chunked 100 MB to ${path}: 413 at once, no memory growth, the next request works`, async () => {
        const [pid] = serverProcessPids(server).slice(-1)
        const rssBefore = residentBytes(pid)
        const result = await streamBody(server.port, path, 100 * MB, headers)
        const rssAfter = residentBytes(pid)
        console.log(`${path}: ${JSON.stringify({ ...result, text: result.text.slice(0, 120) })} RSS ${(rssBefore / MB).toFixed(1)} → ${(rssAfter / MB).toFixed(1)} MB`)
        expect(result.status).toBe(413)
        expect(JSON.parse(result.text).errors[0].message).toMatch(/too large/)
        expect(result.ms).toBeLessThan(1000)
        expect(result.sentBytes).toBeLessThan(20 * MB)
        expect(rssAfter - rssBefore).toBeLessThan(20 * MB)

        const after = await httpApi(server.url, 'POST', '/graphql', { body: { query: '{ Articles(limit: 1) { totalDocs } }' } })
        expect(after.status).toBe(200)
        expect(after.json.data.Articles.totalDocs).toBe(0)
      })
    }

    it('a declared Content-Length above the limit: 413 before anything is read', async () => {
      const result = await streamBody(server.port, '/api/subscribe', 64 * 1024, { 'content-type': 'application/json' }, 100 * MB)
      expect(result.status).toBe(413)
      expect(result.ms).toBeLessThan(500)
      expect(result.sentBytes).toBeLessThan(10 * MB)
    })

    it('Expect: 100-continue over the limit: 413 and no "100 Continue", so nothing is sent', async () => {
      const answer = await new Promise<{ status?: number; continued: boolean }>((resolve, reject) => {
        let continued = false
        const request = http.request({
          host: '127.0.0.1',
          port: server.port,
          path: '/api/graphql',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(100 * MB), expect: '100-continue' },
        })
        request.on('continue', () => {
          continued = true
          request.destroy()
        })
        request.on('response', (response) => {
          response.resume()
          resolve({ status: response.statusCode, continued })
          request.destroy()
        })
        request.on('error', (error) => (continued ? resolve({ continued }) : reject(error)))
        request.flushHeaders()
      })
      expect(answer).toEqual({ status: 413, continued: false })
    })

    it('bodies within the limit still arrive whole, chunked or not', async () => {
      const body = JSON.stringify({ email: 'reader@example.com', name: 'R'.repeat(50) })
      for (const chunked of [true, false]) {
        const answer = await new Promise<{ status?: number; text: string }>((resolve, reject) => {
          const request = http.request(
            {
              host: '127.0.0.1',
              port: server.port,
              path: '/api/subscribe',
              method: 'POST',
              headers: { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': String(Buffer.byteLength(body)) }) },
            },
            (response) => {
              let text = ''
              response.on('data', (part) => (text += part))
              response.on('end', () => resolve({ status: response.statusCode, text }))
            },
          )
          request.on('error', reject)
          // In two writes: a chunked body arrives in pieces.
          request.write(body.slice(0, 10))
          request.end(body.slice(10))
        })
        expect(answer.status, `chunked: ${chunked}`).toBe(202)
      }
    })

    it('the CSV import (admins) is capped the same way', async () => {
      const result = await streamBody(server.port, '/api/subscribers/import?dryRun=1', 100 * MB, {
        'content-type': 'text/csv',
        authorization: `JWT ${token}`,
      })
      expect(result.status).toBe(413)
      expect(result.ms).toBeLessThan(1000)
      expect(result.sentBytes).toBeLessThan(30 * MB)
    })

    it('headers dribbled in slowly (slow loris): 408 and closed once SERVER_HEADERS_TIMEOUT_MS is over', async () => {
      const startedAt = Date.now()
      const outcome = await new Promise<{ answer: string; closedAfterMs: number }>((resolve) => {
        const socket = net.connect(server.port, '127.0.0.1')
        let answer = ''
        socket.write('GET /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\n')
        // One more header line every 300 ms, never the blank line that ends them.
        const dribble = setInterval(() => socket.writable && socket.write(`X-Slow-${Date.now()}: 1\r\n`), 300)
        socket.on('data', (chunk) => (answer += chunk))
        socket.on('error', () => {})
        socket.on('close', () => {
          clearInterval(dribble)
          resolve({ answer, closedAfterMs: Date.now() - startedAt })
        })
        setTimeout(() => socket.destroy(), 8000)
      })
      expect(outcome.answer).toMatch(/^HTTP\/1\.1 408/)
      expect(outcome.closedAfterMs).toBeLessThan(5000)
    })

    it('a URL over 8 KB is refused with 414', async () => {
      const response = await fetch(`${server.url}/api/articles?where=${'x'.repeat(9000)}`)
      expect(response.status).toBe(414)
      expect(((await response.json()) as { errors: { message: string }[] }).errors[0].message).toMatch(/URL/)
    })
  })

  describe('browser protections on every response', () => {
    it('API reads (MISS, HIT, 304), refusals, the admin and the subscriber pages', async () => {
      const miss = await fetch(`${server.url}/api/articles?limit=2`)
      await miss.arrayBuffer()
      const hit = await fetch(`${server.url}/api/articles?limit=2`)
      await hit.arrayBuffer()
      expect(hit.headers.get('x-cache')).toBe('HIT')
      const notModified = await fetch(`${server.url}/api/articles?limit=2`, { headers: { 'if-none-match': hit.headers.get('etag')! } })
      expect(notModified.status).toBe(304)
      const tooLarge = await fetch(`${server.url}/api/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'x'.repeat(9000),
      })
      expect(tooLarge.status).toBe(413)
      const admin = await fetch(`${server.url}/admin`, { redirect: 'manual' })
      const emailPage = await fetch(`${server.url}/email/confirm?token=nonsense`)
      const graphqlPost = await fetch(`${server.url}/api/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ Clinic { name } }' }),
      })
      const authenticated = await fetch(`${server.url}/api/users/me`, { headers: { authorization: `JWT ${token}` } })
      for (const [what, response] of Object.entries({ miss, hit, notModified, tooLarge, admin, emailPage, graphqlPost, authenticated })) {
        expectBrowserProtections(response.headers, what)
        // The subscriber pages carry token links: they keep their own, stricter no-referrer.
        expect(response.headers.get('referrer-policy'), what).toBe(what === 'emailPage' ? 'no-referrer' : 'strict-origin-when-cross-origin')
        expect(response.headers.get('content-security-policy'), what).toMatch(/frame-ancestors 'self'/)
        // SERVER_URL is http here: no HSTS (it would lock browsers out of a plain-http setup).
        expect(response.headers.get('strict-transport-security'), what).toBeNull()
      }
      expect(emailPage.headers.get('content-type')).toMatch(/text\/html/)
    })

    it('the newsletter preview keeps its own stricter rules', async () => {
      const created = await httpApi(server.url, 'POST', '/newsletters', { token, body: { subject: 'Hello', intro: richText('Spring is here.') } })
      expect(created.status).toBe(201)
      const preview = await fetch(`${server.url}/api/newsletters/${created.json.doc.id}/preview`, { headers: { authorization: `JWT ${token}` } })
      expect(preview.status).toBe(200)
      expect(preview.headers.get('content-type')).toMatch(/text\/html/)
      expectBrowserProtections(preview.headers, 'preview')
      expect(preview.headers.get('referrer-policy')).toBe('no-referrer')
      expect(preview.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'/)
      expect(preview.headers.get('content-security-policy')).toMatch(/default-src 'none'/)
    })
  })

  describe('supervision', () => {
    it('a server process killed with SIGKILL is replaced and answering again within 2 s; the crash is logged', async () => {
      await spareStandingBy(server)
      const [pid] = serverProcessPids(server).slice(-1)
      const killedAt = Date.now()
      process.kill(pid, 'SIGKILL')
      let answeredAt: number | undefined
      while (Date.now() - killedAt < 10_000) {
        try {
          const response = await fetch(`${server.url}/api/articles?limit=1`, { signal: AbortSignal.timeout(1000) })
          if (response.status === 200 && !serverProcessPids(server).slice(-1).includes(pid)) {
            answeredAt = Date.now()
            break
          }
        } catch {
          // refused while no process listens
        }
        await sleep(25)
      }
      console.log(`WEB_CONCURRENCY=1: answering again ${answeredAt === undefined ? 'never' : answeredAt - killedAt} ms after SIGKILL`)
      expect(answeredAt).toBeDefined()
      expect(answeredAt! - killedAt).toBeLessThan(2000)
      expect(processIsAlive(pid)).toBe(false)
      expect(server.output()).toMatch(new RegExp(`server process ${pid} died \\(signal SIGKILL\\)`))
    })
  })
})

describe('two server processes (WEB_CONCURRENCY=2), SERVER_URL on https', () => {
  let server: RunningServer

  beforeAll(async () => {
    server = await startProductionServer('hardening-2', { WEB_CONCURRENCY: '2', SERVER_URL: 'https://cms.clinic.example' })
    // Both processes have said they are ready (the tests below check what follows when not).
    await waitFor('both server processes ready', () => new Set(serverProcessPids(server)).size >= 2, { timeoutMs: 60_000, intervalMs: 100 }).catch(() => {})
  })

  afterAll(async () => {
    if (server) expect(await server.stop()).toBe(0)
  })

  it('sends HSTS when SERVER_URL is https', async () => {
    const response = await fetch(`${server.url}/api/articles?limit=1`)
    expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')
    expectBrowserProtections(response.headers, 'https')
  })

  it('runs two processes; one killed with SIGKILL: requests keep succeeding, it is replaced within 2 s', async () => {
    await spareStandingBy(server)
    const pids = [...new Set(serverProcessPids(server))]
    expect(pids).toHaveLength(2)
    expect(pids.every(processIsAlive)).toBe(true)
    const killedAt = Date.now()
    process.kill(pids[0], 'SIGKILL')
    let failures = 0
    let replacedAt: number | undefined
    while (Date.now() - killedAt < 10_000) {
      try {
        const response = await fetch(`${server.url}/api/articles?limit=1`, { signal: AbortSignal.timeout(1000) })
        if (response.status !== 200) failures += 1
      } catch {
        failures += 1
      }
      const live = [...new Set(serverProcessPids(server))].filter(processIsAlive)
      if (live.length === 2 && !live.includes(pids[0])) {
        replacedAt = Date.now()
        break
      }
      await sleep(25)
    }
    console.log(`WEB_CONCURRENCY=2: replaced ${replacedAt === undefined ? 'never' : replacedAt - killedAt} ms after SIGKILL, ${failures} failed requests meanwhile`)
    expect(replacedAt).toBeDefined()
    expect(replacedAt! - killedAt).toBeLessThan(2000)
    // The survivor answered while its sibling restarted (a request in flight on the killed one may fail).
    expect(failures).toBeLessThanOrEqual(1)
    const after = await fetch(`${server.url}/api/articles?limit=1`)
    expect(after.status).toBe(200)
  })
})
