import type { CollectionAfterChangeHook, CollectionConfig, CollectionSlug, Endpoint, Payload, PayloadHandler, PayloadRequest } from 'payload'

import { parseDocumentId, problem } from '../endpoints/responses'

/**
 * "Create New" on a collection with autosave leaves no empty document behind.
 *
 * Payload 3.90's create view, for a collection with `versions.drafts.autosave` (and without
 * `drafts.validate`), creates the document before the form is shown, so that autosave has
 * something to save into (@payloadcms/next views/Document: `payload.create({ data: {} })`,
 * then a redirect to its URL). The only switch that stops it, `drafts.validate: true`, also
 * validates every autosave, so a half-written article (a title, no body yet) could no longer
 * be saved. So the empty document is let be created and thrown away when its author leaves
 * without writing anything:
 *
 * - the edit view's `DiscardEmptyDraft` (src/components/admin) asks for
 *   `POST /api/{collection}/{id}/discard-if-empty` when the owner leaves a document this
 *   visit created and never changed (another page of the admin, a closed tab, a reload);
 * - the server deletes only an **empty draft**: never published, no title, and no version
 *   but the one made when it was created (the first autosave adds one);
 * - an empty draft left older than `ABANDONED_AFTER_MS` (a crashed browser) is deleted the
 *   next time someone opens "Create New" in that collection.
 *
 * Deleting a never-published draft changes nothing public: no webhook, no cache clear.
 */

export const DISCARD_PATH = '/:id/discard-if-empty'
/** Old enough that nobody is still looking at it with the intention of typing. */
export const ABANDONED_AFTER_MS = 24 * 60 * 60_000
const SWEEP_LIMIT = 50
const QUIET = { disableWebhooks: true, skipContentRevision: true }

type EmptyDraftCollection = { slug: CollectionSlug; titleField: string }

const blank = (value: unknown) => value === null || value === undefined || (typeof value === 'string' && !value.trim())

/** Why this document is not an empty draft, or null when it is one. */
export const notAnEmptyDraft = async (payload: Payload, { slug, titleField }: EmptyDraftCollection, id: number | string, req?: PayloadRequest) => {
  // The collection's own row: what was created (draft saves write versions only).
  const doc = await payload.db.findOne<{ id: number | string } & Record<string, unknown>>({ collection: slug, where: { id: { equals: id } }, req })
  if (!doc) return 'not found'
  if (doc._status === 'published') return 'published'
  if (!blank(doc[titleField])) return 'has a title'
  const { totalDocs } = await payload.countVersions({ collection: slug, where: { parent: { equals: id } }, overrideAccess: true, req })
  if (totalDocs > 1) return 'edited since it was created'
  return null
}

const discardHandler =
  (collection: EmptyDraftCollection): PayloadHandler =>
  async (req) => {
    if (!req.user) return problem(401, 'Log in to discard a draft.')
    const raw = String(req.routeParams?.id ?? '')
    const id = parseDocumentId(req, raw)
    if (id === null) return problem(404, `No document with id ${JSON.stringify(raw.slice(0, 64))}.`)
    const reason = await notAnEmptyDraft(req.payload, collection, id, req)
    if (reason === 'not found') return problem(404, `No document with id ${id}.`)
    if (reason) return Response.json({ discarded: false, reason: `Kept: it is ${reason === 'published' ? 'published' : reason === 'has a title' ? 'titled' : 'edited'}.` })
    // The person's own delete rights decide, as for the admin's Delete button.
    try {
      await req.payload.delete({ collection: collection.slug, id, overrideAccess: false, user: req.user, req, context: QUIET })
    } catch (error) {
      const status = (error as { status?: number }).status
      if (status === 403) return problem(403, 'You are not allowed to delete this document.')
      if (status === 404) return problem(404, `No document with id ${id}.`)
      throw error
    }
    req.payload.logger.info({ event: 'draft.discarded-empty', collection: collection.slug, id, user: req.user.id })
    return Response.json({ discarded: true })
  }

/** On "Create New" (an empty document was just created): delete the empty drafts abandoned long ago. */
const sweepAbandonedDrafts =
  (collection: EmptyDraftCollection): CollectionAfterChangeHook =>
  async ({ doc, operation, req }) => {
    if (operation !== 'create' || !blank(doc?.[collection.titleField])) return doc
    try {
      const { docs } = await req.payload.find({
        collection: collection.slug,
        // Drafts write versions only, so a never-published document's own row still has no
        // title if it was made by "Create New": those are the candidates; versions decide.
        where: {
          and: [
            { _status: { not_equals: 'published' } },
            { or: [{ [collection.titleField]: { exists: false } }, { [collection.titleField]: { equals: '' } }] },
            { createdAt: { less_than: new Date(Date.now() - ABANDONED_AFTER_MS).toISOString() } },
          ],
        },
        sort: 'createdAt',
        select: {},
        depth: 0,
        limit: SWEEP_LIMIT,
        overrideAccess: true,
        req,
      })
      for (const candidate of docs) {
        if (String(candidate.id) === String(doc.id) || (await notAnEmptyDraft(req.payload, collection, candidate.id, req))) continue
        await req.payload.delete({ collection: collection.slug, id: candidate.id, overrideAccess: true, req, context: QUIET })
        req.payload.logger.info({ event: 'draft.swept-empty', collection: collection.slug, id: candidate.id })
      }
    } catch (error) {
      // Housekeeping: never the reason "Create New" fails.
      req.payload.logger.warn({ event: 'draft.sweep-failed', collection: collection.slug, err: error })
    }
    return doc
  }

const DISCARD_COMPONENT = '/src/components/admin/DiscardEmptyDraft#DiscardEmptyDraft'

const titleFieldOf = (collection: CollectionConfig) => {
  const title = collection.admin?.useAsTitle
  return title && title !== 'id' ? title : null
}

/**
 * For every collection whose create view makes a document up front (autosave on, draft
 * validation off, a title field): the leave-time discard in its edit view, its endpoint, and
 * the sweep on create.
 */
export const withEmptyDraftCleanup = (collections: CollectionConfig[]): CollectionConfig[] =>
  collections.map((collection) => {
    const drafts = typeof collection.versions === 'object' ? collection.versions.drafts : undefined
    const autosave = typeof drafts === 'object' && Boolean(drafts.autosave) && !drafts.validate
    const titleField = titleFieldOf(collection)
    if (!autosave || !titleField || collection.endpoints === false) return collection
    const target: EmptyDraftCollection = { slug: collection.slug as CollectionSlug, titleField }
    const endpoint: Endpoint = { path: DISCARD_PATH, method: 'post', handler: discardHandler(target) }
    return {
      ...collection,
      admin: {
        ...collection.admin,
        components: {
          ...collection.admin?.components,
          edit: {
            ...collection.admin?.components?.edit,
            beforeDocumentControls: [...(collection.admin?.components?.edit?.beforeDocumentControls ?? []), { path: DISCARD_COMPONENT, clientProps: { titleField } }],
          },
        },
      },
      endpoints: [...(collection.endpoints ?? []), endpoint],
      hooks: { ...collection.hooks, afterChange: [...(collection.hooks?.afterChange ?? []), sweepAbandonedDrafts(target)] },
    }
  })
