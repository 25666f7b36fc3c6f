import { randomUUID } from 'node:crypto'

import type { CollectionAfterChangeHook, CollectionAfterDeleteHook, CollectionSlug, GlobalAfterChangeHook, PayloadRequest } from 'payload'

import { invalidateContentCache } from '../cache/bridge'
import { CLINIC_TAG, FRONT_END_PATTERNS_TAG } from '../cache/contentTags'
import { documentChangeTags, updatePublicChange } from '../webhooks/recordContentEvent'

/** Change-log rows older than this are deleted when a new one is written (readers look back ten minutes). */
const CHANGE_LOG_KEEP_MS = 60 * 60_000

/**
 * Public content changed: append a row to the change log (`content-changes`: the tags the
 * change touches, src/cache/contentTags.ts), write a new random token into the
 * `content-revision` global, and tell this process's response cache (src/cache) at once. Other
 * app processes poll the token and, when it changes, read the log to drop the same entries.
 * The writes go through the same `req`, so on MongoDB they commit in the same transaction as
 * the change: a process that sees the new token also sees the change and its row. On SQLite
 * each statement commits alone, in this order: change, row, token.
 * `req.context.skipContentRevision` turns it off: deleting an empty never-published draft sets
 * it (src/drafts/emptyDrafts.ts: nothing public changed); a bulk import could too, and bump
 * once at its end.
 */
const bump = async (req: PayloadRequest, tags: string[]) => {
  if (req.context?.skipContentRevision) return
  const revision = randomUUID()
  const changedAt = new Date()
  const { payload } = req
  const change = await payload.db.create({ collection: 'content-changes', data: { revision, tags, changedAt: changedAt.toISOString() }, req })
  await payload.db.deleteMany({
    collection: 'content-changes',
    where: { changedAt: { less_than: new Date(changedAt.getTime() - CHANGE_LOG_KEEP_MS).toISOString() } },
    req,
  })
  await payload.updateGlobal({
    slug: 'content-revision',
    data: { revision, changedAt: changedAt.toISOString() },
    req,
    overrideAccess: true,
    depth: 0,
  })
  invalidateContentCache(tags, change.id as number | string)
}

/**
 * Only changes an anonymous reader can see drop cached answers: a draft save or autosave
 * (`draft: true`) writes a version and leaves the collection's own row, which is all the
 * public reads, untouched, so it drops nothing, also over a published document. The test is
 * the webhook events' (src/webhooks/recordContentEvent.ts: publish, unpublish, update of a
 * published row); `previousDoc` cannot tell, it is the latest version, possibly a draft. A
 * document created as a draft is invisible. Media has no drafts: every change counts. When
 * the public state before the change is unknown (webhooks disabled), it counts, with the
 * tags of the document as it is now: a needless drop costs a refill, a missed one a stale read.
 */
export const bumpContentRevisionAfterChange: CollectionAfterChangeHook = async ({ collection, doc, operation, previousDoc, req }) => {
  const slug = collection.slug as CollectionSlug
  const drafts = doc?._status !== undefined
  if (operation === 'create') {
    if (!drafts || doc._status === 'published') await bump(req, documentChangeTags(req.payload, slug, doc))
    return doc
  }
  const change = drafts ? await updatePublicChange(req, slug, doc.id) : undefined
  if (change?.changed === false) return doc
  const tags = change?.tags ?? [...new Set([...documentChangeTags(req.payload, slug, doc), ...documentChangeTags(req.payload, slug, previousDoc ?? doc)])]
  await bump(req, tags)
  return doc
}

/** Deleting a document nobody could read (never published, or unpublished) changes nothing public. */
export const bumpContentRevisionAfterDelete: CollectionAfterDeleteHook = async ({ collection, doc, req }) => {
  // `doc` is the deleted row of the collection's own table: its `_status` is the public one.
  if (doc?._status === undefined || doc._status === 'published') await bump(req, documentChangeTags(req.payload, collection.slug, doc))
  return doc
}

export const bumpContentRevisionAfterGlobalChange: GlobalAfterChangeHook = async ({ doc, previousDoc, req }) => {
  // New front-end path patterns change every page URL (JSON-LD, feeds, sitemap): their own tag.
  const patternsChanged = JSON.stringify(doc?.frontEnd ?? null) !== JSON.stringify(previousDoc?.frontEnd ?? null)
  await bump(req, patternsChanged ? [CLINIC_TAG, FRONT_END_PATTERNS_TAG] : [CLINIC_TAG])
  return doc
}
