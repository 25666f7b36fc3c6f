import type { Endpoint, PayloadRequest } from 'payload'

import type { Redirect } from '../../payload-types'
import { normaliseRedirectPath, redirectPathProblem } from '../redirects/paths'
import { loadFrontEndPatterns } from '../utilities/frontEndPatterns'
import { frontEndPath, isFrontEndCollection } from '../utilities/siteUrl'
import { json, problem } from './responses'

const NO_STORE = { 'Cache-Control': 'no-store' }

/** Where a redirect sends readers now, as a site path or URL; null when its document is not public. */
const targetOf = async (req: PayloadRequest, redirect: Redirect): Promise<string | null> => {
  if (redirect.to?.type === 'custom') return redirect.to.url || null
  const reference = redirect.to?.reference
  if (!reference || !isFrontEndCollection(reference.relationTo)) return null
  const id = typeof reference.value === 'object' ? reference.value?.id : reference.value
  if (id === undefined || id === null) return null
  // As an anonymous reader: a draft or deleted document is no target.
  const doc = await req.payload
    .findByID({ collection: reference.relationTo, id, depth: 0, draft: false, overrideAccess: false, disableErrors: true, select: { slug: true } as never })
    .catch(() => null)
  if (!doc) return null
  return frontEndPath(reference.relationTo, doc as { id: number | string; slug?: string | null }, await loadFrontEndPatterns(req.payload))
}

/**
 * `GET /api/redirects/resolve?path=/articles/old-slug` → `{ "to": "/articles/new-slug", "status": 301 }`,
 * or 404 when no redirect starts there; 400 for a missing, over-long or non-path `path`. For
 * front ends and edge functions asking whether a 404 should be a redirect.
 */
export const resolveRedirectEndpoint: Endpoint = {
  path: '/resolve',
  method: 'get',
  handler: async (req) => {
    const raw = new URL(req.url ?? '/', 'http://localhost').searchParams.getAll('path')
    if (raw.length > 1) return problem(400, 'Give one "path".', NO_STORE)
    const pathProblem = redirectPathProblem(raw[0])
    if (pathProblem) return problem(400, pathProblem, NO_STORE)
    const path = normaliseRedirectPath(raw[0]!)
    const candidates = [...new Set([path, normaliseRedirectPath(path.split(/[?#]/)[0]!)])]
    for (const from of candidates) {
      const { docs } = await req.payload.find({ collection: 'redirects', where: { from: { equals: from } }, depth: 0, limit: 1, pagination: false, overrideAccess: false, req })
      const redirect = docs[0]
      if (!redirect) continue
      const to = await targetOf(req, redirect)
      if (!to) break
      return json({ to, status: Number(redirect.type ?? 301) || 301 }, 200, NO_STORE)
    }
    return problem(404, `No redirect from ${path}.`, NO_STORE)
  },
}
