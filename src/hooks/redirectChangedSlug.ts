import type { CollectionAfterChangeHook, PayloadRequest } from 'payload'

import { normaliseRedirectPath } from '../redirects/paths'
import { loadFrontEndPatterns } from '../utilities/frontEndPatterns'
import { frontEndPath, isFrontEndCollection } from '../utilities/siteUrl'
import { publicStateBefore } from '../webhooks/recordContentEvent'

/**
 * Old links keep working (README "Redirects"): when a published document is saved published
 * with a new slug, a 301 from its old front-end path to the new one is created (the
 * `redirects` collection's hooks collapse chains onto it and refuse loops); and a redirect
 * whose source is the path a published document now has is removed, since the page is live
 * again. Draft saves change no public path and do nothing. The old state is the one
 * rememberPublicState read from the collection's table before the change (so a request
 * with `context.disableWebhooks` makes no redirects either).
 */
export const redirectChangedSlug: CollectionAfterChangeHook = async ({ collection, doc, req }) => {
  if (!isFrontEndCollection(collection.slug) || doc?._status !== 'published' || typeof doc.slug !== 'string' || !doc.slug) return doc
  const patterns = await loadFrontEndPatterns(req.payload, req)
  const livePath = normaliseRedirectPath(frontEndPath(collection.slug, doc, patterns))
  await removeRedirectsFrom(req, livePath)
  const before = publicStateBefore(req, collection.slug, doc.id)
  if (!before?.published || !before.slug || before.slug === doc.slug) return doc
  const oldPath = normaliseRedirectPath(frontEndPath(collection.slug, { id: doc.id, slug: before.slug }, patterns))
  if (oldPath === livePath) return doc
  const existing = await req.payload.find({ collection: 'redirects', where: { from: { equals: oldPath } }, depth: 0, limit: 1, overrideAccess: true, req })
  const data = { from: oldPath, to: { type: 'custom' as const, url: livePath }, type: '301' as const }
  if (existing.docs[0]) await req.payload.update({ collection: 'redirects', id: existing.docs[0].id, data, depth: 0, overrideAccess: true, req })
  else await req.payload.create({ collection: 'redirects', data, depth: 0, overrideAccess: true, req })
  req.payload.logger.info({ event: 'redirect.created', from: oldPath, to: livePath, collection: collection.slug, id: doc.id })
  return doc
}

const removeRedirectsFrom = async (req: PayloadRequest, path: string) => {
  const { docs } = await req.payload.find({ collection: 'redirects', where: { from: { equals: path } }, depth: 0, limit: 10, pagination: false, overrideAccess: true, req })
  for (const redirect of docs) {
    await req.payload.delete({ collection: 'redirects', id: redirect.id, overrideAccess: true, req })
    req.payload.logger.info({ event: 'redirect.removed', from: path, reason: 'the path is live again' })
  }
}
