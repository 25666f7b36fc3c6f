import http from 'node:http'
import type net from 'node:net'

export type StaticServer = { url: string; close: () => Promise<void> }

/**
 * A bare `node:http` server on 127.0.0.1 that answers every request with the same bytes: the
 * ceiling for what any Node handler could serve those bytes at on this machine.
 */
export const startStaticServer = (body: Buffer, contentType: string) =>
  new Promise<StaticServer>((resolve, reject) => {
    const headers = { 'Content-Type': contentType, 'Content-Length': String(body.length) }
    const server = http.createServer((request, response) => {
      // Drain the request body (the benchmark POSTs) before answering.
      request.resume()
      request.once('end', () => {
        response.writeHead(200, headers)
        response.end(body)
      })
    })
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
  })
