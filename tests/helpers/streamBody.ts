import http from 'node:http'

/** What the server answered to a streamed body (or the transport error), how long it took, how much was sent. */
export type StreamResult = { status?: number; text: string; ms: number; sentBytes: number; error?: string }

/**
 * POSTs up to `totalBytes` as fast as the server reads them, chunked (no Content-Length)
 * unless `contentLength` is given, and stops sending as soon as an answer arrives.
 */
export const streamBody = (port: number, path: string, totalBytes: number, headers: Record<string, string>, contentLength?: number) =>
  new Promise<StreamResult>((resolve) => {
    const startedAt = performance.now()
    const chunk = Buffer.alloc(64 * 1024, 'a')
    let sentBytes = 0
    let finished = false
    const finish = (result: Omit<StreamResult, 'ms' | 'sentBytes'>) => {
      if (finished) return
      finished = true
      resolve({ ...result, ms: Math.round(performance.now() - startedAt), sentBytes })
      request.destroy()
    }
    const request = http.request({
      host: '127.0.0.1',
      port,
      path,
      method: 'POST',
      headers: { ...headers, ...(contentLength === undefined ? {} : { 'content-length': String(contentLength) }) },
    })
    request.on('response', (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (part: string) => (text += part))
      response.on('end', () => finish({ status: response.statusCode, text }))
      response.on('error', () => finish({ status: response.statusCode, text }))
    })
    request.on('error', (error) => setTimeout(() => finish({ text: '', error: error.message }), 200))
    const pump = () => {
      while (!finished && sentBytes < totalBytes) {
        sentBytes += chunk.length
        if (!request.write(chunk)) return void request.once('drain', pump)
      }
      if (!finished) request.end()
    }
    pump()
    setTimeout(() => finish({ text: '', error: 'no answer within 30 s' }), 30_000).unref()
  })
