import { randomUUID } from 'node:crypto'

import type { CollectionAfterChangeHook, CollectionAfterDeleteHook, GlobalAfterChangeHook, PayloadRequest } from 'payload'

import { invalidateContentCache } from '../cache/bridge'

/**
 * Public content changed: write a new random token into the `content-revision` global and
 * tell this process's response cache (src/cache) at once. Other app processes poll the
 * token and drop their caches when it changes. The write goes through the same `req`, so on
 * MongoDB it commits in the same transaction as the change: a process that sees the new
 * token also sees the change. `req.context.skipContentRevision` turns it off: deleting an
 * empty never-published draft sets it (src/drafts/emptyDrafts.ts: nothing public changed);
 * a bulk import could too, and bump once at its end.
 */
const bump = async (req: PayloadRequest) => {
  if (req.context?.skipContentRevision) return
  const revision = randomUUID()
  await req.payload.updateGlobal({
    slug: 'content-revision',
    data: { revision, changedAt: new Date().toISOString() },
    req,
    overrideAccess: true,
    depth: 0,
  })
  invalidateContentCache(revision)
}

/**
 * A document created as a draft is invisible to anonymous readers: nothing to clear. Every
 * other change clears, drafts saved over published documents included: the hook cannot tell
 * a draft save from an unpublish (`previousDoc` is the latest version, not the published
 * document), and clearing too often costs a refill, never a stale read.
 */
export const bumpContentRevisionAfterChange: CollectionAfterChangeHook = async ({ doc, operation, req }) => {
  const createdAsDraft = operation === 'create' && doc?._status !== undefined && doc._status !== 'published'
  if (!createdAsDraft) await bump(req)
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
