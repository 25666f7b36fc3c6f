import { randomUUID } from 'node:crypto'

import type { CollectionAfterChangeHook, CollectionAfterDeleteHook, GlobalAfterChangeHook, PayloadRequest } from 'payload'

import { getContentCacheBridge } from '../cache/bridge'

/**
 * Public content changed: write a new random token into the `content-revision` global and
 * tell this process's response cache (src/cache) at once. Other app processes poll the
 * token and drop their caches when it changes. The write goes through the same `req`, so on
 * MongoDB it commits in the same transaction as the change: a process that sees the new
 * token also sees the change. `req.context.skipContentRevision` turns it off (nothing in
 * the project sets it today; a bulk import could, and bump once at its end).
 */
const bump = async (req: PayloadRequest) => {
  if (req.context?.skipContentRevision) return
  await req.payload.updateGlobal({
    slug: 'content-revision',
    data: { revision: randomUUID(), changedAt: new Date().toISOString() },
    req,
    overrideAccess: true,
    depth: 0,
  })
  getContentCacheBridge()?.contentChanged()
}

type WithStatus = { _status?: 'draft' | 'published' | null } | null | undefined

/**
 * A document that was not published and still is not (a draft saved or autosaved, a
 * draft created) cannot change what anonymous readers see: they get published documents
 * only, and a draft saved over a published document goes to its versions, not to the
 * document itself. Collections without drafts have no `_status`: always a change.
 */
const staysUnpublished = (doc: WithStatus, previousDoc: WithStatus) =>
  doc?._status !== undefined && doc._status !== 'published' && previousDoc?._status !== 'published'

export const bumpContentRevisionAfterChange: CollectionAfterChangeHook = async ({ doc, previousDoc, req }) => {
  if (!staysUnpublished(doc, previousDoc)) await bump(req)
  return doc
}

export const bumpContentRevisionAfterDelete: CollectionAfterDeleteHook = async ({ doc, req }) => {
  await bump(req)
  return doc
}

export const bumpContentRevisionAfterGlobalChange: GlobalAfterChangeHook = async ({ doc, req }) => {
  await bump(req)
  return doc
}
