import http from 'node:http'
import type { AddressInfo } from 'node:net'

export type ReceivedWebhook = {
  path: string
  headers: http.IncomingHttpHeaders
  /** The raw body, exactly as posted (signatures are over these bytes). */
  body: string
  json: any
  /** The status this receiver answered with. */
  answered: number
}

export type Reply = { status?: number; body?: string; headers?: Record<string, string>; delayMs?: number; hang?: boolean }
export type Responder = (request: ReceivedWebhook, previous: ReceivedWebhook[]) => Reply

/**
 * A real HTTP server on 127.0.0.1 that records every request and answers as the test
 * says, per path (200 by default).
 */
export const startWebhookReceiver = async () => {
  const received: ReceivedWebhook[] = []
  const responders = new Map<string, Responder>()
  const sockets = new Set<import('node:net').Socket>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json: any
      try {
        json = JSON.parse(body)
      } catch {
        json = undefined
      }
      const path = req.url ?? '/'
      const request: ReceivedWebhook = { path, headers: req.headers, body, json, answered: 0 }
      const previous = received.filter((item) => item.path === path)
      const reply = responders.get(path)?.(request, previous) ?? {}
      request.answered = reply.status ?? 200
      received.push(request)
      if (reply.hang) return
      setTimeout(() => {
        res.writeHead(request.answered, { 'Content-Type': 'text/plain', ...reply.headers })
        res.end(reply.body ?? 'ok')
      }, reply.delayMs ?? 0)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    on: (path: string, responder: Responder) => responders.set(path, responder),
    forPath: (path: string) => received.filter((item) => item.path === path),
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
