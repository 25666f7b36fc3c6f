import type { Endpoint, PayloadHandler } from 'payload'

import { parseDocumentId, problem } from './responses'

/**
 * The public newsletter archive for front ends (the clinic's website): sent newsletters whose
 * owner left "web version" on, as the copy without any reader in it (emails/newsletters/webVersion.ts).
 * Public, read-only, bounded: at most 50 items a page, pages up to 1,000.
 *
 * - `GET /api/newsletters/archive?page=1&limit=20` → `{ docs: [{ id, subject, preheader, sentAt, url }], page, totalPages, totalDocs }`
 * - `GET /api/newsletters/archive/:id` → `{ id, subject, preheader, sentAt, url, html, text }`; 404 when not archived.
 */

const MAX_LIMIT = 50
const MAX_PAGE = 1000
const CACHE = { 'Cache-Control': 'public, max-age=300' }

const positiveInt = (raw: string | null, fallback: number) => (raw === null || raw === '' ? fallback : /^\d{1,6}$/.test(raw) ? Number(raw) : NaN)

const list: PayloadHandler = async (req) => {
  const page = positiveInt(req.searchParams.get('page'), 1)
  const limit = positiveInt(req.searchParams.get('limit'), 20)
  if (!(page >= 1 && page <= MAX_PAGE)) return problem(400, `"page" must be a whole number from 1 to ${MAX_PAGE}.`)
  if (!(limit >= 1 && limit <= MAX_LIMIT)) return problem(400, `"limit" must be a whole number from 1 to ${MAX_LIMIT}.`)
  const { listArchive } = await import('../../emails/newsletters/webVersion')
  return Response.json(await listArchive(req.payload, { page, limit }), { headers: CACHE })
}

const one: PayloadHandler = async (req) => {
  const id = parseDocumentId(req, String(req.routeParams?.id ?? ''))
  if (id === null) return problem(404, 'No archived newsletter with this id.')
  const { findArchivedNewsletter, renderWebVersion } = await import('../../emails/newsletters/webVersion')
  const newsletter = await findArchivedNewsletter(req.payload, id)
  if (!newsletter) return problem(404, 'No archived newsletter with this id.')
  return Response.json(await renderWebVersion(req.payload, newsletter), { headers: CACHE })
}

export const newsletterArchiveEndpoints: Endpoint[] = [
  { path: '/archive', method: 'get', handler: list },
  { path: '/archive/:id', method: 'get', handler: one },
]
