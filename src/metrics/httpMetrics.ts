import type { IncomingMessage, ServerResponse } from 'node:http'

import { PUBLIC_COLLECTIONS } from '../cache/publicContent'
import { metrics } from './registry'

/** Public content: every collection the public reads (published content and media), and globals. */
const CONTENT = new Set([...Object.keys(PUBLIC_COLLECTIONS), 'globals'])

/**
 * A small, fixed set of names for what a request was for: a label with a bounded number of
 * values (never the path itself, which anyone can vary).
 */
export const routeFamily = (url: string): string => {
  if (url.startsWith('/api/')) {
    const end = url.slice(5).search(/[/?]/)
    const first = end === -1 ? url.slice(5) : url.slice(5, 5 + end)
    if (first === 'graphql') return 'graphql'
    if (first === 'health' || first === 'metrics' || first === 'subscribe') return first
    if (url.startsWith('/api/media/file/')) return 'media-file'
    if (CONTENT.has(first)) return 'rest-content'
    if (first === 'users') return 'rest-users'
    return 'rest-other'
  }
  if (url === '/admin' || url.startsWith('/admin/') || url.startsWith('/admin?')) return 'admin'
  if (url.startsWith('/_next/')) return 'next-assets'
  if (url.startsWith('/email/')) return 'email-pages'
  return 'other'
}

/** Counts the request when its response has been sent (or the connection closed first). */
export const observeHttpRequest = (req: IncomingMessage, res: ServerResponse) => {
  const started = performance.now()
  const family = routeFamily(req.url ?? '/')
  res.once('close', () => {
    const { httpRequests, httpDuration } = metrics()
    httpRequests.inc({ family, status: res.headersSent ? res.statusCode : 0 })
    httpDuration.observe({ family }, (performance.now() - started) / 1000)
  })
}
