import http from 'node:http'

import type { BenchRequest } from './wrk'

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

/**
 * Sends a request the way wrk does (no Accept-Encoding, so no compression) and keeps the
 * response bytes exactly as they came over the wire, unlike `fetch`.
 */
export const rawRequest = (url: string, request: BenchRequest) =>
  new Promise<RawResponse>((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.from(request.body)
    const headers: Record<string, string> = { ...request.headers }
    if (body) headers['Content-Length'] = String(body.length)
    const req = http.request(url, { method: request.method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.once('error', reject)
      response.once('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      )
    })
    req.once('error', reject)
    req.setTimeout(60_000, () => req.destroy(new Error(`No answer from ${url} within 60 s`)))
    req.end(body)
  })
