/** Raw HTTP requests with timeouts, and a chunked body of any size, sent without buffering it. Part of `npm run bench:abuse` (run.ts). */
import http from 'node:http'

import { SCENARIO_TIMEOUT_MS, BASE_URL } from './settings'

// ---------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------

export type Answer = { status: number; bytes: number; ms: number; error?: string; body: string }

/** Reads an answer to its end, keeping only its first 4 KiB (some answers are huge); `finish` gets it. */
const readAnswer = (response: http.IncomingMessage, finish: (answer: { status: number; bytes: number; body: string; error?: string }) => void) => {
  const chunks: Buffer[] = []
  let bytes = 0
  response.on('data', (chunk: Buffer) => {
    bytes += chunk.length
    if (bytes <= 4_096) chunks.push(chunk)
  })
  response.once('end', () => finish({ status: response.statusCode ?? 0, bytes, body: Buffer.concat(chunks).toString('utf8').slice(0, 4_096) }))
  response.once('error', (error) => finish({ status: response.statusCode ?? 0, bytes, error: error.message, body: '' }))
}

/** One request on a fresh connection to 127.0.0.1; never rejects. */
export const send = (method: string, pathAndQuery: string, options: { body?: string; headers?: Record<string, string>; timeoutMs?: number } = {}) =>
  new Promise<Answer>((resolve) => {
    const started = performance.now()
    const body = options.body === undefined ? undefined : Buffer.from(options.body)
    const headers: Record<string, string> = { ...options.headers }
    if (body) headers['Content-Length'] = String(body.length)
    let settled = false
    const finish = (answer: Omit<Answer, 'ms'>) => {
      if (settled) return
      settled = true
      resolve({ ...answer, ms: performance.now() - started })
    }
    const request = http.request(`${BASE_URL}${pathAndQuery}`, { method, headers, agent: false }, (response) => {
      readAnswer(response, finish)
    })
    request.once('error', (error) => finish({ status: 0, bytes: 0, error: error.message, body: '' }))
    request.setTimeout(options.timeoutMs ?? SCENARIO_TIMEOUT_MS, () => {
      finish({ status: 0, bytes: 0, error: `no answer in ${Math.round((options.timeoutMs ?? SCENARIO_TIMEOUT_MS) / 1000)} s`, body: '' })
      request.destroy()
    })
    request.end(body)
  })

/**
 * Streams `totalBytes` of a JSON-looking body with Transfer-Encoding: chunked (no
 * Content-Length), and stops sending as soon as the server answers or closes.
 */
export const sendChunked = (pathAndQuery: string, totalBytes: number, timeoutMs: number) =>
  new Promise<Answer & { bytesSent: number }>((resolve) => {
    const started = performance.now()
    let bytesSent = 0
    let settled = false
    let stopSending = false
    const finish = (answer: Omit<Answer, 'ms'>) => {
      if (settled) return
      settled = true
      stopSending = true
      clearTimeout(timer)
      request.destroy()
      resolve({ ...answer, ms: performance.now() - started, bytesSent })
    }
    const request = http.request(`${BASE_URL}${pathAndQuery}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, agent: false }, (response) => {
      stopSending = true
      readAnswer(response, finish)
    })
    request.once('error', (error) => finish({ status: 0, bytes: 0, error: error.message, body: '' }))
    request.once('close', () => finish({ status: 0, bytes: 0, error: 'connection closed before an answer', body: '' }))
    const timer = setTimeout(() => finish({ status: 0, bytes: 0, error: `no answer in ${Math.round(timeoutMs / 1000)} s`, body: '' }), timeoutMs)
    // A string value that never ends: `{"email":"aaaa…` (64 KiB per chunk).
    const opening = Buffer.from('{"email":"')
    const filler = Buffer.alloc(64 * 1024, 'a')
    const pump = () => {
      while (!stopSending && bytesSent < totalBytes) {
        const chunk = bytesSent === 0 ? opening : filler
        bytesSent += chunk.length
        if (!request.write(chunk)) return void request.once('drain', pump)
      }
      if (!stopSending) request.end('"}')
    }
    pump()
  })
