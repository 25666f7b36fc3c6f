import { randomUUID } from 'node:crypto'

import type { CollectionAfterChangeHook, CollectionAfterDeleteHook, CollectionSlug, GlobalAfterChangeHook, PayloadRequest } from 'payload'

import { invalidateContentCache } from '../cache/bridge'
import { updateChangedPublicState } from '../webhooks/recordContentEvent'

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
 * Only changes an anonymous reader can see clear the cache: a draft save or autosave
 * (`draft: true`) writes a version and leaves the collection's own row, which is all the
 * public reads, untouched, so it clears nothing, also over a published document. The test is
 * the webhook events' (src/webhooks/recordContentEvent.ts: publish, unpublish, update of a
 * published row); `previousDoc` cannot tell, it is the latest version, possibly a draft. A
 * document created as a draft is invisible. Media has no drafts: every change clears. When
 * the public state before the change is unknown (webhooks disabled), it clears: a needless
 * clear costs a refill, a missed one a stale read.
 */
export const bumpContentRevisionAfterChange: CollectionAfterChangeHook = async ({ collection, doc, operation, req }) => {
  const drafts = doc?._status !== undefined
  if (operation === 'create') {
    if (!drafts || doc._status === 'published') await bump(req)
    return doc
  }
  const changed = drafts ? await updateChangedPublicState(req, collection.slug as CollectionSlug, doc.id) : true
  if (changed !== false) await bump(req)
  return doc
}

/** Deleting a document nobody could read (never published, or unpublished) changes nothing public. */
export const bumpContentRevisionAfterDelete: CollectionAfterDeleteHook = async ({ doc, req }) => {
  // `doc` is the deleted row of the collection's own table: its `_status` is the public one.
  if (doc?._status === undefined || doc._status === 'published') await bump(req)
  return doc
}

export const bumpContentRevisionAfterGlobalChange: GlobalAfterChangeHook = async ({ doc, req }) => {
  await bump(req)
  return doc
}
