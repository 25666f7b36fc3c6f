import type { Endpoint, PayloadHandler } from 'payload'

import { isPublishedContentSlug, PUBLISHED_CONTENT_COLLECTIONS } from '../../collections/shared/publishedContentSlugs'
import { mintPreview } from '../preview/mint'
import { readPreviewDocument } from '../preview/read'
import { verifyPreviewToken } from '../preview/tokens'
import { json, parseDocumentId, problem, refuseUnlessStaff } from './responses'

/**
 * Draft preview for front ends (src/preview):
 * - `POST /api/preview-token` `{ "collection", "id" }` (staff): `{ token, url, expiresAt }`, a
 *   token for that one document and the front end's URL built from the preview URL template.
 * - `GET /api/preview?token=…` (anyone holding a token): the document's latest draft at depth 1
 *   with jsonLd; `401` for a token this server did not sign, `410` for an expired one.
 * Both answer `Cache-Control: private, no-store`; the response cache never stores them
 * (src/cache/rules.ts: not a public collection path, and any `token` parameter bypasses it).
 */
const NO_STORE = { 'Cache-Control': 'private, no-store' }

const COLLECTIONS_SENTENCE = PUBLISHED_CONTENT_COLLECTIONS.join(', ')

const createPreviewToken: PayloadHandler = async (req) => {
  const refused = refuseUnlessStaff(req, { loggedOut: 'Log in as staff to create a preview token.', notStaff: 'Only staff can create preview tokens.', headers: NO_STORE })
  if (refused) return refused
  let body: any
  try {
    body = await req.json?.()
  } catch {
    return problem(400, 'The body must be JSON: { "collection": "articles", "id": 12 }.', NO_STORE)
  }
  const collection = body?.collection
  if (typeof collection !== 'string' || !isPublishedContentSlug(collection)) {
    return problem(400, `"collection" must be one of ${COLLECTIONS_SENTENCE}.`, NO_STORE)
  }
  const rawId = body?.id
  const id = typeof rawId === 'number' || typeof rawId === 'string' ? parseDocumentId(req, String(rawId)) : null
  if (id === null) return problem(400, '"id" must be the id of a document (a number or an id string).', NO_STORE)
  // An id that cannot exist on this database (MongoDB: not an ObjectId) is simply no document.
  const doc = await req.payload
    .findByID({ collection, id, draft: true, depth: 0, req, overrideAccess: false, disableErrors: true, select: { slug: true } as never })
    .catch(() => null)
  if (!doc) return problem(404, `No ${collection} document with id ${id}.`, NO_STORE)
  const minted = await mintPreview(req.payload, { collection, id, slug: (doc as { slug?: string | null }).slug })
  return json(minted, 200, NO_STORE)
}

const readPreview: PayloadHandler = async (req) => {
  const token = req.searchParams.get('token')
  if (!token) return problem(401, 'A preview token is required: GET /api/preview?token=… with the token from POST /api/preview-token.', NO_STORE)
  const check = verifyPreviewToken(token)
  if (!check.ok) {
    if (check.reason === 'expired') return problem(410, 'This preview token has expired: open the preview again from the admin for a new one.', NO_STORE)
    return problem(401, 'This preview token is not valid (altered, truncated or signed with another secret).', NO_STORE)
  }
  const doc = await readPreviewDocument(req.payload, check.claims)
  if (!doc) return problem(404, 'The document this preview token names no longer exists.', NO_STORE)
  // The document itself, as GET /api/{collection}/{id} answers; which collection, and until when, in headers.
  return json(doc, 200, { ...NO_STORE, 'X-Preview-Collection': check.claims.c, 'X-Preview-Expires': new Date(check.claims.e).toISOString() })
}

export const previewEndpoints: Endpoint[] = [
  { path: '/preview-token', method: 'post', handler: createPreviewToken },
  { path: '/preview', method: 'get', handler: readPreview },
]
