import http from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { bodyLimitFor, bodyLimitsFromEnv, holdBodyWithinLimit } from '../../src/server/bodyLimits'

/**
 * The body-limit step of `npm start` on its own, in front of a handler that reads the body
 * the way Next does, on a real node:http server on 127.0.0.1.
 */
let server: http.Server
let port: number
let handled: Array<{ url: string; body: Buffer }> = []

beforeAll(async () => {
  const limits = { ...bodyLimitsFromEnv(), default: 1000, subscribe: 100 }
  server = http.createServer((req, res) => {
    holdBodyWithinLimit(req, res, bodyLimitFor(req.url ?? '/', limits), () => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        handled.push({ url: req.url ?? '', body: Buffer.concat(chunks) })
        res.end('ok')
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(() => new Promise((resolve) => server.close(resolve)))

const post = (path: string, parts: Buffer[], chunked: boolean, headers: Record<string, string> = {}) =>
  new Promise<{ status?: number; text: string; contentType?: string }>((resolve, reject) => {
    const total = parts.reduce((sum, part) => sum + part.length, 0)
    const request = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, ...(chunked ? {} : { 'content-length': String(total) }) } }, (response) => {
      let text = ''
      response.on('data', (chunk) => (text += chunk))
      response.on('end', () => resolve({ status: response.statusCode, text, contentType: response.headers['content-type'] }))
    })
    request.on('error', reject)
    for (const part of parts) request.write(part)
    request.end()
  })

describe('holdBodyWithinLimit', () => {
  it('hands a chunked body that fits on byte for byte, however it was split', async () => {
    handled = []
    const parts = [Buffer.from('{"a":'), Buffer.from([0xe2, 0x82]), Buffer.from([0xac]), Buffer.from('1}')]
    expect((await post('/api/subscribe', parts, true)).status).toBe(200)
    expect(handled[0].body.equals(Buffer.concat(parts))).toBe(true)
  })

  it('refuses 413 with a JSON message, chunked or declared, and the handler never runs', async () => {
    handled = []
    for (const chunked of [true, false]) {
      const answer = await post('/api/subscribe', [Buffer.alloc(60, 'a'), Buffer.alloc(60, 'b')], chunked)
      expect(answer.status, `chunked: ${chunked}`).toBe(413)
      expect(JSON.parse(answer.text).errors[0].message).toBe('A signup is too large: at most 100 bytes are accepted here.')
    }
    expect(handled).toHaveLength(0)
  })

  it('refuses an HTML form post (a browser navigating) with a page carrying the same message', async () => {
    handled = []
    for (const contentType of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      for (const chunked of [true, false]) {
        const answer = await post('/api/subscribe', [Buffer.alloc(150, 'a')], chunked, { 'content-type': contentType })
        expect(answer.status, `${contentType}, chunked: ${chunked}`).toBe(413)
        expect(answer.contentType).toBe('text/html; charset=utf-8')
        expect(answer.text).toContain('<p>A signup is too large: at most 100 bytes are accepted here.</p>')
      }
    }
    expect(handled).toHaveLength(0)
  })

  it('reads the route as Next does: encoded, doubled or trailing slashes do not escape the limit', async () => {
    for (const path of ['/api//subscribe', '/api/subscribe/', '/api/%73ubscribe', '/api/subscribe?x=1']) {
      expect((await post(path, [Buffer.alloc(150, 'a')], true)).status, path).toBe(413)
    }
    // Elsewhere the default limit (1000 here) applies.
    expect((await post('/api/articles', [Buffer.alloc(150, 'a')], true)).status).toBe(200)
    expect((await post('/api/articles', [Buffer.alloc(1500, 'a')], true)).status).toBe(413)
  })

  it('picks the documented limit per route', () => {
    const limits = bodyLimitsFromEnv()
    expect(bodyLimitFor('/api/subscribe', limits).limit).toBe(8 * 1024)
    expect(bodyLimitFor('/api/graphql?query=x', limits).limit).toBe(256 * 1024)
    expect(bodyLimitFor('/api/newsletters/preview', limits).limit).toBe(2 * 1024 * 1024)
    expect(bodyLimitFor('/api/subscribers/import?dryRun=1', limits).limit).toBe(5 * 1024 * 1024)
    expect(bodyLimitFor('/api/media', limits).limit).toBe(25 * 1024 * 1024)
    expect(bodyLimitFor('/api/media/12', limits).limit).toBe(25 * 1024 * 1024)
    expect(bodyLimitFor('/email/preferences?token=x', limits).limit).toBe(16 * 1024)
    expect(bodyLimitFor('/api/articles/3', limits).limit).toBe(2 * 1024 * 1024)
  })
})
